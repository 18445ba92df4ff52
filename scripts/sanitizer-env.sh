# Sourced by setup.sh, test.sh and fuzz.sh for the sanitizer build.
# allow_user_poisoning=0: LLVM's inline allocator code, compiled into our
# instrumented objects, poisons the slabs it starts; uninstrumented libMLIR
# then hands out memory from them without unpoisoning it, and reads of it are
# reported as use-after-poison. Those reports are false, so manual poisoning
# is off; ASan's own checks (heap, stack, globals, use-after-free) stay on.
# Leaks inside the uninstrumented libraries are suppressed by name
# (test/sanitize/lsan.supp); ours are not.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/test/sanitize/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
