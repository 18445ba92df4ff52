//===- LibraryName.cpp - which -o NAMEs make a usable C library -----------===//
//
// NAME becomes C symbols (NAME, NAME_run, NAME_k0_argv, ...) and macros
// (NAME_OK, NAME_RESOLUTION, ...) in one namespace with the app's C library,
// Halide's runtime and the libraries' own runtime. A keyword makes a header
// that does not compile; a C library name (malloc, exit) is linked instead
// of the app's; halide_malloc would replace Halide's allocator.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <fmt/core.h>

#include <cctype>

using namespace mlir::effnet::codegen;

namespace {

/// C11 and C23 keywords (C23 adds alignas .. typeof_unqual and _BitInt,
/// _Decimal*).
const char *const kCKeywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline",
    "int", "long", "register", "restrict", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned",
    "void", "volatile", "while", "_Alignas", "_Alignof", "_Atomic", "_Bool",
    "_Complex", "_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
    "_Thread_local",
    // C23.
    "alignas", "alignof", "bool", "constexpr", "false", "nullptr",
    "static_assert", "thread_local", "true", "typeof", "typeof_unqual",
    "_BitInt", "_Decimal128", "_Decimal32", "_Decimal64"};

/// C++20 keywords and alternative tokens, less those C has.
const char *const kCxxKeywords[] = {"and",
                                    "and_eq",
                                    "asm",
                                    "bitand",
                                    "bitor",
                                    "catch",
                                    "char8_t",
                                    "char16_t",
                                    "char32_t",
                                    "class",
                                    "compl",
                                    "concept",
                                    "consteval",
                                    "constinit",
                                    "const_cast",
                                    "co_await",
                                    "co_return",
                                    "co_yield",
                                    "decltype",
                                    "delete",
                                    "dynamic_cast",
                                    "explicit",
                                    "export",
                                    "friend",
                                    "mutable",
                                    "namespace",
                                    "new",
                                    "noexcept",
                                    "not",
                                    "not_eq",
                                    "operator",
                                    "or",
                                    "or_eq",
                                    "private",
                                    "protected",
                                    "public",
                                    "reinterpret_cast",
                                    "requires",
                                    "static_cast",
                                    "template",
                                    "this",
                                    "throw",
                                    "try",
                                    "typeid",
                                    "typename",
                                    "using",
                                    "virtual",
                                    "wchar_t",
                                    "xor",
                                    "xor_eq"};

/// Functions, objects, types and macros of the C library an app links with
/// the library (-lpthread -ldl -lm): <stdlib.h>, <string.h>, <stdio.h>,
/// <math.h>, <pthread.h>, <unistd.h>, <stddef.h> (which the header
/// includes), <ctype.h>, <time.h>, <signal.h>, <setjmp.h>, <errno.h>,
/// <assert.h>, <dlfcn.h>, <sched.h>, <fcntl.h>, and main.
const char *const kCLibraryNames[] = {
    "main",
    // <stdlib.h>
    "abort", "abs", "aligned_alloc", "at_quick_exit", "atexit", "atof", "atoi",
    "atol", "atoll", "bsearch", "calloc", "div", "exit", "free", "getenv",
    "labs", "ldiv", "llabs", "lldiv", "malloc", "mblen", "mbstowcs", "mbtowc",
    "mkstemp", "mkdtemp", "posix_memalign", "putenv", "qsort", "quick_exit",
    "rand", "rand_r", "random", "realloc", "reallocarray", "realpath", "setenv",
    "srand", "srandom", "strtod", "strtof", "strtol", "strtold", "strtoll",
    "strtoul", "strtoull", "system", "unsetenv", "wcstombs", "wctomb", "div_t",
    "ldiv_t", "lldiv_t", "EXIT_FAILURE", "EXIT_SUCCESS", "MB_CUR_MAX",
    "RAND_MAX",
    // <string.h>
    "memchr", "memcmp", "memcpy", "memmove", "memset", "memccpy", "memmem",
    "memrchr", "strcat", "strchr", "strcmp", "strcoll", "strcpy", "strcspn",
    "strdup", "strndup", "strerror", "strerror_r", "strlen", "strnlen",
    "strncat", "strncmp", "strncpy", "strpbrk", "strrchr", "strspn", "strstr",
    "strtok", "strtok_r", "strxfrm", "strsignal", "stpcpy", "stpncpy",
    "strcasecmp", "strncasecmp", "bzero", "bcopy", "bcmp", "index", "rindex",
    "ffs",
    // <stdio.h>
    "clearerr", "ctermid", "dprintf", "fclose", "fdopen", "feof", "ferror",
    "fflush", "fgetc", "fgetpos", "fgets", "fileno", "flockfile", "fmemopen",
    "fopen", "fprintf", "fputc", "fputs", "fread", "freopen", "fscanf", "fseek",
    "fseeko", "fsetpos", "ftell", "ftello", "ftrylockfile", "funlockfile",
    "fwrite", "getc", "getc_unlocked", "getchar", "getchar_unlocked",
    "getdelim", "getline", "gets", "open_memstream", "pclose", "perror",
    "popen", "printf", "putc", "putc_unlocked", "putchar", "putchar_unlocked",
    "puts", "remove", "rename", "renameat", "rewind", "scanf", "setbuf",
    "setvbuf", "snprintf", "sprintf", "sscanf", "tempnam", "tmpfile", "tmpnam",
    "ungetc", "vdprintf", "vfprintf", "vfscanf", "vprintf", "vscanf",
    "vsnprintf", "vsprintf", "vsscanf", "asprintf", "vasprintf", "stdin",
    "stdout", "stderr", "FILE", "fpos_t", "BUFSIZ", "EOF", "FILENAME_MAX",
    "FOPEN_MAX", "L_tmpnam", "SEEK_CUR", "SEEK_END", "SEEK_SET", "TMP_MAX",
    "P_tmpdir",
    // <math.h>
    "acos", "acosf", "acosh", "acoshf", "acoshl", "acosl", "asin", "asinf",
    "asinh", "asinhf", "asinhl", "asinl", "atan", "atan2", "atan2f", "atan2l",
    "atanf", "atanh", "atanhf", "atanhl", "atanl", "cbrt", "cbrtf", "cbrtl",
    "ceil", "ceilf", "ceill", "copysign", "copysignf", "copysignl", "cos",
    "cosf", "cosh", "coshf", "coshl", "cosl", "erf", "erfc", "erfcf", "erfcl",
    "erff", "erfl", "exp", "exp2", "exp2f", "exp2l", "expf", "expl", "expm1",
    "expm1f", "expm1l", "fabs", "fabsf", "fabsl", "fdim", "fdimf", "fdiml",
    "floor", "floorf", "floorl", "fma", "fmaf", "fmal", "fmax", "fmaxf",
    "fmaxl", "fmin", "fminf", "fminl", "fmod", "fmodf", "fmodl", "frexp",
    "frexpf", "frexpl", "hypot", "hypotf", "hypotl", "ilogb", "ilogbf",
    "ilogbl", "ldexp", "ldexpf", "ldexpl", "lgamma", "lgammaf", "lgammal",
    "llrint", "llrintf", "llrintl", "llround", "llroundf", "llroundl", "log",
    "log10", "log10f", "log10l", "log1p", "log1pf", "log1pl", "log2", "log2f",
    "log2l", "logb", "logbf", "logbl", "logf", "logl", "lrint", "lrintf",
    "lrintl", "lround", "lroundf", "lroundl", "modf", "modff", "modfl", "nan",
    "nanf", "nanl", "nearbyint", "nearbyintf", "nearbyintl", "nextafter",
    "nextafterf", "nextafterl", "nexttoward", "nexttowardf", "nexttowardl",
    "pow", "powf", "powl", "remainder", "remainderf", "remainderl", "remquo",
    "remquof", "remquol", "rint", "rintf", "rintl", "round", "roundf", "roundl",
    "scalbln", "scalblnf", "scalblnl", "scalbn", "scalbnf", "scalbnl", "sin",
    "sinf", "sinh", "sinhf", "sinhl", "sinl", "sqrt", "sqrtf", "sqrtl", "tan",
    "tanf", "tanh", "tanhf", "tanhl", "tanl", "tgamma", "tgammaf", "tgammal",
    "trunc", "truncf", "truncl", "j0", "j1", "jn", "y0", "y1", "yn", "signgam",
    "isnan", "isinf", "isfinite", "isnormal", "signbit", "fpclassify",
    "float_t", "double_t", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "INFINITY",
    "NAN", "M_E", "M_PI", "M_PI_2", "M_PI_4", "M_SQRT2", "M_LN2", "M_LN10",
    "M_LOG2E", "M_LOG10E", "M_1_PI", "M_2_PI", "M_2_SQRTPI", "M_SQRT1_2",
    "FP_NAN", "FP_INFINITE", "FP_ZERO", "FP_SUBNORMAL", "FP_NORMAL",
    // <pthread.h> (every pthread_ name: a prefix, below) and <sched.h>
    "sched_yield", "sched_getaffinity", "sched_setaffinity",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getparam",
    "sched_setparam", "sched_getscheduler", "sched_setscheduler",
    // <unistd.h>
    "access", "alarm", "brk", "chdir", "chown", "close", "confstr", "dup",
    "dup2", "dup3", "execl", "execle", "execlp", "execv", "execve", "execvp",
    "execvpe", "faccessat", "fchdir", "fchown", "fchownat", "fdatasync",
    "fexecve", "fork", "fpathconf", "fsync", "ftruncate", "getcwd", "getegid",
    "geteuid", "getgid", "getgroups", "gethostname", "getlogin", "getlogin_r",
    "getopt", "getpagesize", "getpgid", "getpgrp", "getpid", "getppid",
    "getsid", "getuid", "isatty", "lchown", "link", "linkat", "lockf", "lseek",
    "nice", "optarg", "opterr", "optind", "optopt", "pathconf", "pause", "pipe",
    "pipe2", "pread", "pwrite", "read", "readlink", "readlinkat", "rmdir",
    "sbrk", "setegid", "seteuid", "setgid", "setpgid", "setpgrp", "setsid",
    "setuid", "sleep", "swab", "symlink", "symlinkat", "sync", "syscall",
    "sysconf", "tcgetpgrp", "tcsetpgrp", "truncate", "ttyname", "ttyname_r",
    "unlink", "unlinkat", "usleep", "vfork", "write", "environ", "F_OK", "R_OK",
    "W_OK", "X_OK", "STDIN_FILENO", "STDOUT_FILENO", "STDERR_FILENO",
    // <fcntl.h>
    "open", "openat", "creat", "fcntl", "posix_fallocate", "posix_fadvise",
    // <stddef.h>, <stdint.h>, <stdbool.h>
    "NULL", "offsetof", "size_t", "ptrdiff_t", "max_align_t", "ssize_t",
    "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "int8_t", "int16_t",
    "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    // <ctype.h>
    "isalnum", "isalpha", "isascii", "isblank", "iscntrl", "isdigit", "isgraph",
    "islower", "isprint", "ispunct", "isspace", "isupper", "isxdigit",
    "tolower", "toupper", "toascii",
    // <time.h>
    "asctime", "clock", "clock_getres", "clock_gettime", "clock_nanosleep",
    "clock_settime", "ctime", "difftime", "gettimeofday", "gmtime", "gmtime_r",
    "localtime", "localtime_r", "mktime", "nanosleep", "strftime", "strptime",
    "time", "timegm", "timer_create", "timer_delete", "timer_gettime",
    "timer_settime", "timespec_get", "tzset", "tzname", "timezone", "daylight",
    "clock_t", "time_t", "CLOCKS_PER_SEC",
    // <signal.h>, <setjmp.h>, <errno.h>, <assert.h>, <stdarg.h>
    "kill", "raise", "signal", "sigaction", "sigaddset", "sigdelset",
    "sigemptyset", "sigfillset", "sigismember", "sigprocmask", "sigwait",
    "sigsuspend", "psignal", "longjmp", "setjmp", "siglongjmp", "sigsetjmp",
    "jmp_buf", "errno", "assert", "va_start", "va_end", "va_arg", "va_copy",
    "va_list",
    // <dlfcn.h> (-ldl) and the memory map calls beside it
    "dlopen", "dlclose", "dlsym", "dlerror", "dladdr", "mmap", "munmap",
    "mprotect", "madvise", "msync", "mlock", "munlock",
    // <wchar.h>, <locale.h>, <stdatomic.h>
    "wcslen", "wcscpy", "wcscmp", "wprintf", "fwprintf", "swprintf",
    "setlocale", "localeconv", "atomic_thread_fence", "atomic_signal_fence",
    "atomic_flag_test_and_set", "atomic_flag_clear"};

/// Prefixes of others' symbols: NAME may neither start with one nor make
/// symbols NAME_... that do.
struct ReservedPrefix {
  const char *prefix;
  const char *owner;
};
const ReservedPrefix kReservedPrefixes[] = {
    {"halide_", "Halide's runtime"},
    {"effnet_rt_", "the libraries' runtime"},
    {"effnet_kernel_", "the libraries' runtime"},
    {"effnet_pool_", "the libraries' runtime"},
    {"pthread_", "the C library (<pthread.h>)"},
    {"PTHREAD_", "the C library (<pthread.h>)"}};

/// What the generated library adds to NAME: symbols (lower case, after
/// NAME_) and the header's macros and enumerators (after the upper-case
/// NAME_).
const char *const kSymbolSuffixes[] = {"run",
                                       "run_outputs",
                                       "run_with_workspace",
                                       "run_outputs_with_workspace",
                                       "run_rgb8",
                                       "run_rgb8_outputs",
                                       "run_rgb8_with_workspace",
                                       "run_rgb8_outputs_with_workspace",
                                       "workspace_size",
                                       "variant",
                                       "target",
                                       "in_channels",
                                       "resolution",
                                       "num_classes",
                                       "output_name",
                                       "output_shape",
                                       "set_num_threads",
                                       "model",
                                       "buffers",
                                       "layouts",
                                       "weights"};
const char *const kMacroSuffixes[] = {"OK",
                                      "ERROR_NULL_POINTER",
                                      "ERROR_BAD_BATCH",
                                      "ERROR_WORKSPACE",
                                      "ERROR_BAD_BUFFER",
                                      "ERROR_OVERLAP",
                                      "IN_CHANNELS",
                                      "RESOLUTION",
                                      "NUM_CLASSES",
                                      "WORKSPACE_BYTES",
                                      "NUM_OUTPUTS"};

bool isIdentifier(llvm::StringRef name) {
  if (name.empty() || !(std::isalpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name,
                      [](char ch) { return std::isalnum(ch) || ch == '_'; });
}

template <size_t N> llvm::StringSet<> makeSet(const char *const (&names)[N]) {
  llvm::StringSet<> set;
  for (const char *name : names)
    set.insert(name);
  return set;
}

} // namespace

std::string mlir::effnet::codegen::checkLibraryName(llvm::StringRef name) {
  static const llvm::StringSet<> cKeywords = makeSet(kCKeywords);
  static const llvm::StringSet<> cxxKeywords = makeSet(kCxxKeywords);
  static const llvm::StringSet<> cLibrary = makeSet(kCLibraryNames);
  if (!isIdentifier(name))
    return "must be a C identifier: letters, digits and '_'";
  if (cKeywords.contains(name))
    return "is a C keyword";
  if (cxxKeywords.contains(name))
    return "is a C++ keyword";
  // C reserves every file-scope name that starts with '_' (and every name
  // that starts with '__' or '_' and a capital).
  if (name.starts_with("_"))
    return "starts with '_', which C reserves for the implementation";
  if (cLibrary.contains(name))
    return "is a name of the C library, which an app links too";
  std::string extended = name.str() + "_";
  for (const ReservedPrefix &reserved : kReservedPrefixes) {
    if (name.starts_with(reserved.prefix))
      return fmt::format("starts with '{}', reserved for {}", reserved.prefix,
                         reserved.owner);
    // NAME_ + a suffix starts with the prefix: "halide" makes
    // halide_set_num_threads, Halide's own.
    llvm::StringRef prefix(reserved.prefix);
    if (!prefix.starts_with(extended))
      continue;
    llvm::StringRef rest = prefix.drop_front(extended.size());
    if (rest.empty() || llvm::any_of(kSymbolSuffixes, [&](const char *suffix) {
          return llvm::StringRef(suffix).starts_with(rest);
        }))
      return fmt::format("makes symbols that start with '{}', reserved for {}",
                         reserved.prefix, reserved.owner);
  }
  for (const char *suffix : kSymbolSuffixes)
    if (cLibrary.contains(extended + suffix))
      return fmt::format("makes the library define {}{}, a name of the C "
                         "library",
                         extended, suffix);
  std::string upper = llvm::StringRef(extended).upper();
  for (const char *suffix : kMacroSuffixes)
    if (cLibrary.contains(upper + suffix))
      return fmt::format("makes the header define {}{}, a name of the C "
                         "library",
                         upper, suffix);
  return "";
}
