# Writes OUTPUT, the header that defines EFFNET_KERNELS_IDENTITY: a SHA-256
# of FILES' contents (the code that compiles kernels, '|'-separated) and
# FLAGS (the compiler and its flags). The kernel cache keys every object by
# it (KernelCache.cpp): any change to that code, a new key. Contents, not
# paths: two checkouts of one revision share a cache. The header is
# rewritten only when the digest changes.
string(REPLACE "|" ";" files "${FILES}")
set(all "${FLAGS}")
foreach(file ${files})
  file(SHA256 "${file}" digest)
  string(APPEND all " ${digest}")
endforeach()
string(SHA256 identity "${all}")
set(text "// Written by codegen/KernelsIdentity.cmake.\n#define EFFNET_KERNELS_IDENTITY \"${identity}\"\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
