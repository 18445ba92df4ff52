"""Every name a generated header's comments mention exists.

Reads NAME.h, collects each identifier in its comments that begins with the
library's prefix (NAME_ or its upper-case form), and writes a C file that
uses every one of them: compiling that file against the header fails on a
name the header does not declare or define.
Usage: header_names.py NAME.h NAME OUT.c
"""
import re
import sys

header_path, name, out_path = sys.argv[1:4]
text = open(header_path).read()
comments = " ".join(re.findall(r"/\*.*?\*/", text, flags=re.S))
prefixes = (name + "_", name.upper() + "_")
names = sorted({word for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", comments)
                if word.startswith(prefixes)})
if not names:
    sys.exit("header_names: no names of the library in the comments of " +
             header_path)
with open(out_path, "w") as out:
    out.write('#include "%s"\n' % header_path)
    out.write("void use_every_name(void);\n")
    out.write("void use_every_name(void) {\n")
    for word in names:
        # Macros and enumerators are values; functions have addresses.
        if word == word.upper():
            out.write("  (void)(%s);\n" % word)
        else:
            out.write("  (void)&%s;\n" % word)
    out.write("}\n")
print("header_names: %d names in the comments" % len(names))
for word in names:
    print("header_names: " + word)
