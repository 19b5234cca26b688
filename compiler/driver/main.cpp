// meshc: compiles .mesh policies into specialised sidecar executables.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <string_view>

#include "driver/BuildInfo.h"
#include "driver/CertsCommand.h"
#include "driver/Commands.h"
#include "driver/Completion.h"
#include "driver/DiffCommand.h"
#include "driver/ExplainCommand.h"
#include "driver/FmtCommand.h"
#include "driver/TestCommand.h"

namespace {

using meshc::driver::ColorMode;
using meshc::driver::DiagnosticFormat;
using meshc::driver::ReportOptions;

void addColorOptions(CLI::App* command, ReportOptions& report) {
  const std::map<std::string, ColorMode> colors{
      {"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}};
  command
      ->add_option("--color", report.color,
                   "Colour diagnostics: auto (a terminal without NO_COLOR), always, never")
      ->transform(CLI::CheckedTransformer(colors, CLI::ignore_case))
      ->option_text("auto|always|never");
  command->add_flag("--werror", report.werror, "Treat warnings as errors");
}

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
  out += "  completion bash|zsh  Print a shell completion script\n";
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
  compileCommand->add_flag("--clean", compile.clean,
                           "Remove sidecar-* files of workloads the policy no longer has");
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

  meshc::driver::TestOptions test;
  CLI::App* testCommand = app.add_subcommand(
      "test", "Run the policy's test blocks against its compiled workloads (in-process)");
  testCommand->add_option("paths", test.paths, "Policy files, or directories to search for .mesh")
      ->required();
  testCommand->add_option("--filter", test.filter, "Run only tests whose name matches this regex");
  testCommand->add_option("--junit", test.junit, "Also write a JUnit XML report to this file");
  testCommand->add_flag("--coverage", test.coverage,
                        "List the rules and split branches no test reached");
  testCommand
      ->add_option("--min-coverage", test.minCoverage,
                   "Fail when fewer than this percentage of rules and split branches are reached")
      ->check(CLI::Range(0.0, 100.0));
  addColorOptions(testCommand, test.report);

  meshc::driver::ExplainOptions explain;
  CLI::App* explainCommand = app.add_subcommand(
      "explain", "Show how a workload's sidecar decides one request, rule by rule");
  explainCommand->add_option("file", explain.input, "Policy file (.mesh)")->required();
  explainCommand->add_option("--from", explain.workload, "The workload sending the request")
      ->required();
  explainCommand
      ->add_option("--request", explain.request, "\"METHOD URL\", e.g. \"GET http://reviews/r/1\"")
      ->required();
  explainCommand->add_option("-H,--header", explain.headers, "A request header, \"Name: value\"");
  explainCommand->add_option("--principal", explain.principal, "The caller's SPIFFE ID");
  explainCommand->add_option("--seed", explain.seed, "The request's random seed (splits)");
  addColorOptions(explainCommand, explain.report);

  meshc::driver::FmtOptions fmt;
  CLI::App* fmtCommand =
      app.add_subcommand("fmt", "Rewrite policies in the canonical layout (the digest is unchanged)");
  fmtCommand->add_option("files", fmt.files, "Policy files; - formats stdin to stdout")->required();
  fmtCommand->add_flag("--check", fmt.check, "List unformatted files and exit 1; change nothing");

  meshc::driver::DiffOptions diff;
  CLI::App* diffCommand = app.add_subcommand(
      "diff", "List the classes of requests whose decision changes between two policy versions");
  diffCommand->add_option("old", diff.oldPolicy, "The policy as it is")->required();
  diffCommand->add_option("new", diff.newPolicy, "The policy as it would be")->required();
  diffCommand->add_option("--from", diff.workload, "Only this workload's decisions");
  addColorOptions(diffCommand, diff.report);

  meshc::driver::CertsOptions certs;
  CLI::App* certsCommand = app.add_subcommand(
      "certs", "Create the mesh CA (init) and workload certificates (issue, rotate)");
  certsCommand->require_subcommand(1);
  const struct {
    const char* name;
    meshc::driver::CertsAction action;
    const char* description;
    const char* lifetime;
  } certsActions[] = {
      {"init", meshc::driver::CertsAction::Init, "Create the trust domain's CA and trust bundle",
       "The CA's lifetime (default 365d)"},
      {"issue", meshc::driver::CertsAction::Issue,
       "Give each workload without one a certificate for its SPIFFE ID",
       "A certificate's lifetime (default 24h)"},
      {"rotate", meshc::driver::CertsAction::Rotate,
       "Give each workload a new key and certificate; the old stay until the next rotation",
       "A certificate's lifetime (default 24h)"},
  };
  for (const auto& action : certsActions) {
    CLI::App* command = certsCommand->add_subcommand(action.name, action.description);
    command->add_option("file", certs.input, "Policy file (.mesh)")->required();
    command->add_option("--dir", certs.directory, "Where certificates live (default ./certs)");
    command->add_option("--lifetime", certs.lifetime, action.lifetime);
    if (action.action != meshc::driver::CertsAction::Init) {
      command->add_option("--workload", certs.workload, "Only this workload");
    }
    addColorOptions(command, certs.report);
    command->callback([&certs, kind = action.action] { certs.action = kind; });
  }

  // CLI11 would only say "A subcommand is required" for a missing or misspelt command.
  if (argc < 2) {
    std::cerr << "meshc: no command given\n" << commandList(app);
    return 2;
  }
  if (argv[1][0] != '-') {
    const std::string_view command = argv[1];
    if (command == "completion") {
      const std::string shell = argc > 2 ? argv[2] : "";
      const std::string script = meshc::driver::completionScript(app, shell);
      if (script.empty()) {
        std::cerr << "meshc: completion takes bash or zsh\n";
        return 2;
      }
      std::cout << script;
      return 0;
    }
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
  if (*testCommand) return meshc::driver::runTests(test);
  if (*explainCommand) return meshc::driver::runExplain(explain);
  if (*fmtCommand) return meshc::driver::runFmt(fmt);
  if (*diffCommand) return meshc::driver::runDiff(diff);
  if (*certsCommand) return meshc::driver::runCerts(certs);
  return meshc::driver::runCheck(checkInput, checkReport);
}
