# lit configuration of the effnet tests.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "EFFNET"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in", "Inputs",
                   "oracle", "unit", "fuzz", "sanitize"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.effnet_obj_root, "test")

llvm_config.use_default_substitutions()
# torch reads this at start; one BLAS thread keeps the oracle quiet on 2 cores.
config.environment["OPENBLAS_NUM_THREADS"] = "1"
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(
    ("%oracle", config.python_executable + " " +
     os.path.join(config.effnet_src_root, "test", "oracle",
                  "torchvision_stats.py")))

config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%effnet_build", config.effnet_obj_root))
# Halide's runtime headers, for the tests' C programs that build Halide
# buffers themselves.
config.substitutions.append(("%halide_include", config.halide_include))
# The ASan + UBSan build (scripts/test.sh --sanitize): tests whose point is
# code the sanitizers cannot see (ARM code under qemu) say UNSUPPORTED:
# sanitize and run in the plain build only.
if config.effnet_sanitize.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("sanitize")
# The compilers' kernel cache: one per build, shared by its tests (each
# kernel compiled once for the whole run, as a user's cache would have it),
# never the user's own. kernel-cache.test uses folders of its own.
config.environment["EFFNET_CACHE_DIR"] = os.path.join(
    config.effnet_obj_root, "test", "kernel-cache")
# Generated libraries run with both cores, as users' apps would.
config.environment["HL_NUM_THREADS"] = "2"

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.effnet_tools_dir, config.llvm_tools_dir]
tools = ["effnet-opt", "effnetc", "effnet-tune", "effnet-profile"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
