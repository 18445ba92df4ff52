#!/usr/bin/python3
"""Runs the README's examples verbatim.

Usage: readme_examples.py README.md SOURCE_DIR BUILD_DIR SCRATCH_DIR

Every ```sh, ```c and ```cmake block of the README must follow a line
`<!-- example: NAME -->`, and NAME must be in EXAMPLES below, which says
what the block needs around it: files made first (weights from the oracle,
an app's other files), how a C fragment is wrapped into a program, what runs
after it, or why it is not run here (a network, hours, several machines).
A block that is run is run as written, by bash -e -o pipefail in
SCRATCH_DIR, where `build`, `examples`, `scripts` and `test` lead to the
checkout and its build and build/bin is on PATH (effnetc, effnet-opt, ...);
HOME is SCRATCH_DIR/home. A C fragment is compiled as the README says or, when
it does not say, against the library the examples before it built, and must
print "status 0". Prints a line per block: NAME ran, or NAME skipped and why;
exits 1 at the first failure, saying which block and why.
"""
import os
import re
import subprocess
import sys

MAIN = "int main(void) {"


class Skip:
    def __init__(self, why):
        self.why = why


class Shell:
    """Runs the block; `setup` (shell) first, `after` (shell) then, all in
    the folder `dir` of SCRATCH_DIR (made by setup, which runs in
    SCRATCH_DIR), or in SCRATCH_DIR itself."""

    def __init__(self, setup="", after="", dir=""):
        self.setup, self.after, self.dir = setup, after, dir


class Fragment:
    """A C fragment: its #include lines at file scope, the rest in main()
    between `prelude` and `epilogue`, written to `file`; compiled and run by
    `build` (shell), or left for the next block to compile when it is
    empty."""

    def __init__(self, file, prelude, epilogue, build="", header=""):
        self.file, self.prelude, self.epilogue = file, prelude, epilogue
        self.build, self.header = build, header


class Part:
    """A block another example writes into a file of its own: used there."""

    def __init__(self, of):
        self.of = of


def export(variant, path, *extra):
    """A shell line writing seeded random weights (torchvision's model, as
    the tests' oracle makes them) to `path`."""
    return (f"/usr/bin/python3 test/oracle/export_torchvision.py {variant} "
            f"{path} --seed 7 {' '.join(extra)}\n")


STATUS = 'printf("status %d\\n", status);\nreturn status != 0;\n'
APP = ('#include <stdio.h>\n#include <stdlib.h>\n#include "my_model.h"\n'
       'int main(void) {\n'
       '  float *images = calloc(3 * MY_MODEL_RESOLUTION * MY_MODEL_RESOLUTION,'
       ' sizeof(float));\n'
       '  float logits[MY_MODEL_NUM_CLASSES];\n'
       '  int status = my_model_run(images, 1, logits);\n'
       '  printf("status %d\\n", status);\n  return status != 0;\n}\n')
LINK = "-lpthread -ldl -lm"

EXAMPLES = {
    "quickstart": Skip("builds the checkout itself; CI runs scripts/test.sh"),
    "compile": Shell(setup=export("b3", "b3.safetensors")),
    "call": Fragment("app.c",
                     "float *images = calloc(2 * 3 * 300 * 300, sizeof(float));",
                     STATUS),
    "link": Shell(after="./a.out | grep -x 'status 0'"),
    "pretrained": Skip("downloads torchvision's weights: needs a network"),
    "other-packages": Shell(setup=export(
        "b3", "efficientnet-b3.safetensors", "--naming efficientnet-pytorch") +
        export("b0", "tf_efficientnet_b0.safetensors", "--naming timm",
               "--bn-eps 1e-3")),
    "backbone": Shell(setup=export("b0", "b0.safetensors")),
    "cache": Shell(setup=export("b0", "mine.safetensors")),
    "backbone-call": Fragment(
        "backbone.c", "unsigned char *rgb = calloc(512 * 512 * 3, 1);",
        STATUS,
        "cc -Werror=implicit-function-declaration -Iout backbone.c"
        f" out/backbone.a {LINK} -o backbone && "
        "./backbone | grep -x 'status 0'"),
    "image-call": Fragment(
        "image.c",
        "int width = 640, height = 427;\n"
        "unsigned char *rgb = calloc((size_t)width * height * 3, 1);",
        STATUS,
        "build/bin/effnetc --variant b0 --random-weights 1 --target host "
        "-o classify_model --quiet && "
        "cc -Werror=implicit-function-declaration -I. image.c"
        f" classify_model.a {LINK} -o image && "
        "./image | grep -x 'status 0'"),
    "cmake-install": Shell(
        setup="mkdir -p app && cp b3.safetensors app/\n"
              "printf '%s\\n' 'cmake_minimum_required(VERSION 3.20)' "
              "'project(app C)' 'add_executable(app app.c)' > app/head.cmake\n"
              "cat app/head.cmake app/model.cmake > app/CMakeLists.txt\n"
              "cp app.c.my_model app/app.c\n",
        after="cmake --build app/build > /dev/null && "
              "./app/build/app | grep -x 'status 0'"),
    "cmake-app": Part("cmake-install"),
    # In a folder of its own: the CMake example's app/ is in the way of
    # `-o app`.
    "pkg-config": Shell(setup="mkdir -p pkg && cp b0.safetensors pkg/ && "
                              "cp app.c.my_model pkg/app.c\n",
                        after="./app | grep -x 'status 0'", dir="pkg"),
    "portable": Shell(),
    "portable-call": Fragment(
        "portable.c",
        "float *images = calloc(3 * 224 * 224, sizeof(float));\n"
        "float logits[1000];", STATUS, header='#include "b0.h"\n',
        build="cc -Werror=implicit-function-declaration -Iout portable.c"
        f" out/b0.a {LINK} -o portable && "
        "./portable | grep 'status 0'"),
    # A CUDA library on this GPU-less machine: the app's call returns
    # NAME_ERROR_NO_DEVICE (9).
    "gpu": Shell(setup="mkdir -p gpu && ln -sfn ../build gpu/build && "
                       "sed 's/my_model/b0_gpu/g; s/MY_MODEL/B0_GPU/g' "
                       "app.c.my_model > gpu/app.c\n",
                 after="./app > status.txt || true; "
                       "grep -x 'status 9' status.txt", dir="gpu"),
    "gpu-fallback": Shell(),
    "gpu-fallback-call": Fragment(
        "fallback.c",
        "float *images = calloc(3 * 224 * 224, sizeof(float));\n"
        "float logits[1000];\nint batch = 1;", STATUS,
        header='#include "b0_cpu.h"\n#include "b0_cuda.h"\n',
        build="cc -Werror=implicit-function-declaration -Iout fallback.c"
        f" out/b0_cuda.a out/b0_cpu.a {LINK} -o fallback && "
        "./fallback | grep -x 'status 0'"),
    "effnet-opt": Shell(),
    "schedules": Shell(),
    "profile": Shell(setup="mkdir -p docs\n"),
    "tune": Skip("tunes for 20 minutes by design; test/e2e/tune.test runs "
                 "effnet-tune on a small model with few candidates"),
    "budget": Skip("compiles and times about five B0-sized models, then "
                   "tunes one for 20 minutes; test/e2e/tune-budget.test and "
                   "tune-budget-search.test run the search on small ones"),
    "shards": Skip("two machines; test/e2e/tune.test shards and merges"),
    "slurm": Skip("a Slurm cluster; test/e2e/tune-slurm.test runs sbatch"),
    "parallel": Skip("GNU parallel over ssh to four nodes"),
    "all-variants": Skip("every variant at its own size: an hour"),
    "sanitize": Skip("the suite itself under ASan and UBSan, and the "
                     "fuzzers: what CI runs"),
}

# The files a block leaves for another: Part blocks by the example they
# belong to.
PART_FILES = {"cmake-app": "app/model.cmake"}


def blocks(readme):
    """(name, language, text, line) of every marked fenced block; fails on
    an unmarked sh, c or cmake block."""
    lines = open(readme).read().split("\n")
    found, i = [], 0
    while i < len(lines):
        m = re.match(r"```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        lang, start = m.group(1), i
        end = next(j for j in range(i + 1, len(lines)) if lines[j] == "```")
        marker = re.match(r"<!-- example: ([\w-]+) -->$", lines[i - 1]) \
            if i > 0 else None
        if marker:
            found.append((marker.group(1), lang, "\n".join(lines[i + 1:end]) +
                          "\n", start + 1))
        elif lang in ("sh", "c", "cmake"):
            sys.exit(f"README.md:{start + 1}: a ```{lang} block without an "
                     "<!-- example: NAME --> line before it")
        i = end + 1
    return found


def run(script, scratch, env, what):
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                            cwd=scratch, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        tail = "\n".join(result.stdout.strip().split("\n")[-15:])
        sys.exit(f"{what} failed (exit {result.returncode}):\n{tail}")


def wrap(fragment, text):
    includes = [l for l in text.split("\n") if l.startswith("#include")]
    body = [l for l in text.split("\n") if not l.startswith("#include")]
    return ("#include <stdio.h>\n#include <stdlib.h>\n" + fragment.header +
            "\n".join(includes) + "\n" + MAIN + "\n" + fragment.prelude +
            "\n" + "\n".join(body) + "\n" + fragment.epilogue + "}\n")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    readme, source, build, scratch = sys.argv[1:]
    os.makedirs(os.path.join(scratch, "home"), exist_ok=True)
    for name, target in (("build", build), ("examples", source + "/examples"),
                         ("scripts", source + "/scripts"),
                         ("test", source + "/test")):
        link = os.path.join(scratch, name)
        if not os.path.lexists(link):
            os.symlink(os.path.abspath(target), link)
    # A pager that prints, for `| less`.
    shims = os.path.join(scratch, "shims")
    os.makedirs(shims, exist_ok=True)
    with open(os.path.join(shims, "less"), "w") as f:
        f.write("#!/bin/sh\nexec cat \"$@\"\n")
    os.chmod(os.path.join(shims, "less"), 0o755)
    with open(os.path.join(scratch, "app.c.my_model"), "w") as f:
        f.write(APP)
    env = dict(os.environ, HOME=os.path.join(scratch, "home"),
               PATH=f"{shims}:{os.path.abspath(build)}/bin:"
                    f"{os.environ.get('PATH', '/usr/bin:/bin')}")

    found = blocks(readme)
    names = [name for name, _, _, _ in found]
    for name in set(names) ^ set(EXAMPLES):
        sys.exit(f"example '{name}' is " + ("in README.md but not in "
                 "EXAMPLES" if name in names else "in EXAMPLES but not in "
                 "README.md"))
    texts = {name: text for name, _, text, _ in found}
    for name, lang, text, line in found:
        what = f"README.md:{line} ({name})"
        example = EXAMPLES[name]
        if isinstance(example, Skip):
            print(f"{name} skipped: {example.why}")
            continue
        if isinstance(example, Part):
            print(f"{name} ran, within {example.of}")
            continue
        for part, path in PART_FILES.items():
            if EXAMPLES[part].of == name:
                os.makedirs(os.path.dirname(os.path.join(scratch, path)),
                            exist_ok=True)
                with open(os.path.join(scratch, path), "w") as f:
                    f.write(texts[part])
        if isinstance(example, Fragment):
            with open(os.path.join(scratch, example.file), "w") as f:
                f.write(wrap(example, text))
            if example.build:
                run(example.build, scratch, env, what)
        else:
            script = text + ("\n" + example.after if example.after else "")
            if example.dir:
                run(example.setup, scratch, env, what + " setup")
                run(script, os.path.join(scratch, example.dir), env, what)
            else:
                run(example.setup + script, scratch, env, what)
        print(f"{name} ran")


if __name__ == "__main__":
    main()
