// meshc: compiles .mesh policies into specialised sidecar executables.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <string_view>

#include "driver/BuildInfo.h"
#include "driver/Commands.h"

namespace {

using meshc::driver::ColorMode;
using meshc::driver::DiagnosticFormat;
using meshc::driver::ReportOptions;

void addReportOptions(CLI::App* command, ReportOptions& report) {
  const std::map<std::string, DiagnosticFormat> formats{{"text", DiagnosticFormat::Text},
                                                        {"json", DiagnosticFormat::Json}};
  command
      ->add_option("--format", report.format,
                   "Diagnostics on stderr as text (clang style) or one JSON document")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->option_text("text|json");
  const std::map<std::string, ColorMode> colors{
      {"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}};
  command
      ->add_option("--color", report.color,
                   "Colour text diagnostics: auto (a terminal without NO_COLOR), always, never")
      ->transform(CLI::CheckedTransformer(colors, CLI::ignore_case))
      ->option_text("auto|always|never");
  command->add_flag("--werror", report.werror, "Treat warnings as errors");
}

// "commands:" and one line per subcommand, for `meshc help` and an unknown command.
std::string commandList(const CLI::App& app) {
  std::string out = "commands:\n";
  for (const CLI::App* command : app.get_subcommands({})) {
    std::string name = command->get_name();
    name.resize(std::max<size_t>(name.size(), 9), ' ');
    out += "  " + name + command->get_description() + "\n";
  }
  out += "  help     Show this list\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using meshc::driver::EmitStage;
  CLI::App app{"meshc: a compiled service mesh"};
  app.set_version_flag("--version", std::string("meshc ") + meshc::driver::kVersion);
  app.require_subcommand(1);

  meshc::driver::CompileOptions compile;
  CLI::App* compileCommand =
      app.add_subcommand("compile", "Compile a policy into one sidecar executable per workload");
  compileCommand->add_option("file", compile.input, "Policy file (.mesh); - reads stdin")
      ->required();
  compileCommand->add_option("-o,--output", compile.outputDir, "Directory for the sidecars");
  compileCommand->add_option("--workload", compile.workload, "Build only this workload");
  compileCommand->add_flag("--keep-objects", compile.keepObjects,
                           "Keep the policy object files (policy-<workload>.o)");
  const std::map<std::string, EmitStage> stages{
      {"ast", EmitStage::Ast}, {"ir", EmitStage::Ir}, {"llvm", EmitStage::Llvm}};
  compileCommand
      ->add_option("--emit", compile.emit, "Print a stage instead of building: ast, ir, llvm")
      ->transform(CLI::CheckedTransformer(stages, CLI::ignore_case));
  addReportOptions(compileCommand, compile.report);

  std::string checkInput;
  ReportOptions checkReport;
  CLI::App* checkCommand = app.add_subcommand("check", "Parse and check a policy; build nothing");
  checkCommand->add_option("file", checkInput, "Policy file (.mesh); - reads stdin")->required();
  addReportOptions(checkCommand, checkReport);

  // CLI11 would only say "A subcommand is required" for a missing or misspelt command.
  if (argc < 2) {
    std::cerr << "meshc: no command given\n" << commandList(app);
    return 2;
  }
  if (argv[1][0] != '-') {
    const std::string_view command = argv[1];
    if (command == "help") {
      std::cout << app.get_description() << "\nusage: meshc COMMAND [OPTIONS] FILE\n\n"
                << commandList(app) << "\n'meshc COMMAND --help' describes a command's options.\n";
      return 0;
    }
    const std::vector<CLI::App*> commands = app.get_subcommands({});
    if (std::none_of(commands.begin(), commands.end(),
                     [&](const CLI::App* known) { return known->get_name() == command; })) {
      std::cerr << "meshc: unknown command '" << command << "'\n" << commandList(app);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;
  }
  if (*compileCommand) return meshc::driver::runCompile(compile);
  return meshc::driver::runCheck(checkInput, checkReport);
}
