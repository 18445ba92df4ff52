//===- options.cpp - fuzz effnetc's option handling -----------------------===//
//
// Any bytes as effnetc's command line (one argument per line): effnetc's own
// option parsing and checks (readOptions), the model the options describe
// (buildModel) and the passes that check the values (the pipeline to the
// block level, where every option has been taken). Only effnetc's own
// options are passed: LLVM's global ones (-help, -version, -info-output-file,
// response files) exit or write files, which is theirs, not ours.
//
//===----------------------------------------------------------------------===//

// effnetc.cpp is compiled into this harness, its main renamed, so that the
// harness calls the very functions effnetc runs.
#define main effnetcMain
#include "tools/effnetc.cpp"
#undef main

#include <cstddef>
#include <cstdint>

/// Whether `argument` names one of effnetc's options (or is a value).
static bool isEffnetcArgument(llvm::StringRef argument) {
  if (!argument.starts_with("-"))
    return !argument.starts_with("@"); // No response files.
  llvm::StringRef name = argument.ltrim('-').split('=').first;
  auto &options = cl::getRegisteredOptions();
  auto found = options.find(name);
  if (found == options.end())
    return false;
  return llvm::is_contained(found->second->Categories, &category);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  std::vector<std::string> arguments = {"effnetc"};
  bool stats = false;
  for (llvm::StringRef line : lines) {
    if (line == "--stats" || line == "-stats")
      stats = true;
    else if (isEffnetcArgument(line))
      arguments.push_back(line.str());
    if (arguments.size() > 32)
      break;
  }
  std::vector<const char *> argv;
  for (const std::string &argument : arguments)
    argv.push_back(argument.c_str());

  // Every option back to its default, as if never given.
  cl::ResetAllOptionOccurrences();
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (!cl::ParseCommandLineOptions(argv.size(), argv.data(), "", &errorStream))
    return 0;
  Request request;
  if (llvm::Error err = readOptions(stats, request)) {
    llvm::consumeError(std::move(err));
    return 0;
  }
  MLIRContext context;
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) {});
  FailureOr<OwningOpRef<ModuleOp>> module = buildModel(context, request);
  if (failed(module))
    return 0;
  request.pipeline.level = Level::Blocks;
  (void)runEffNetPipeline(**module, request.pipeline, [](Level, double) {});
  return 0;
}
