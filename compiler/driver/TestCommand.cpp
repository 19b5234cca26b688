#include "driver/TestCommand.h"

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>

#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "driver/PolicyFiles.h"
#include "driver/Report.h"
#include "policytest/PolicyTests.h"

namespace meshc::driver {
namespace {

std::string xmlEscaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct FileReport {
  std::string file;
  std::vector<policytest::TestResult> results;
  std::string error;  // the policy did not compile: its diagnostics
};

void writeJunit(const std::string& path, const std::vector<FileReport>& reports) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot write the JUnit report");
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const FileReport& report : reports) {
    const auto failures = std::count_if(report.results.begin(), report.results.end(), [](auto& r) {
      return r.verdict == policytest::TestResult::Verdict::Fail;
    });
    out << "  <testsuite name=\"" << xmlEscaped(report.file) << "\" tests=\""
        << report.results.size() << "\" failures=\"" << failures << "\" errors=\""
        << (report.error.empty() ? 0 : 1) << "\">\n";
    if (!report.error.empty()) {
      out << "    <testcase name=\"(policy)\" classname=\"" << xmlEscaped(report.file)
          << "\"><error message=\"the policy has errors\">" << xmlEscaped(report.error)
          << "</error></testcase>\n";
    }
    for (const policytest::TestResult& result : report.results) {
      out << "    <testcase name=\"" << xmlEscaped(result.name) << "\" classname=\""
          << xmlEscaped(report.file) << "\"";
      switch (result.verdict) {
        case policytest::TestResult::Verdict::Pass:
          out << "/>\n";
          break;
        case policytest::TestResult::Verdict::Fail: {
          std::string text;
          for (const std::string& failure : result.failures) text += failure + "\n";
          text += "actual: " + result.actual + "\n";
          out << "><failure message=\"" << xmlEscaped(result.failures.front()) << "\">"
              << xmlEscaped(text) << "</failure></testcase>\n";
          break;
        }
      }
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace

int runTests(const TestOptions& options) {
  std::optional<std::regex> filter;
  try {
    if (!options.filter.empty()) filter.emplace(options.filter, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    std::cerr << "meshc: --filter: invalid regular expression: " << e.what() << "\n";
    return 2;
  }
  std::vector<FileReport> reports;
  size_t passed = 0;
  size_t failed = 0;
  size_t brokenPolicies = 0;
  policytest::Coverage coverage;
  try {
    for (const std::string& file : policyFiles(options.paths)) {
      FileReport report{file, {}, {}};
      CheckedPolicy checked = loadPolicy(file);
      if (!reportDiagnostics(checked, options.report)) {
        report.error = checked.diagnostics.render(checked.source);
        std::cout << "ERROR " << file << ": the policy has errors\n";
        ++brokenPolicies;
        reports.push_back(std::move(report));
        continue;
      }
      // A policy without tests still counts for coverage: its rules are reached by none.
      policytest::PolicyTests tests(checked.policy, lowerAndVerify(checked));
      report.results = tests.run(filter);
      for (const policytest::TestResult& result : report.results) {
        switch (result.verdict) {
          case policytest::TestResult::Verdict::Pass:
            ++passed;
            std::cout << "PASS  " << result.name << "\n";
            break;
          case policytest::TestResult::Verdict::Fail:
            ++failed;
            std::cout << "FAIL  " << result.name << "  (" << locationText(result.loc) << ")\n";
            for (const std::string& failure : result.failures)
              std::cout << "      " << failure << "\n";
            std::cout << "      actual: " << result.actual << "\n";
            break;
        }
      }
      const policytest::Coverage fileCoverage = tests.coverage();
      coverage.items.insert(coverage.items.end(), fileCoverage.items.begin(),
                            fileCoverage.items.end());
      reports.push_back(std::move(report));
    }
    if (!options.junit.empty()) writeJunit(options.junit, reports);
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }

  std::cout << passed << " passed, " << failed << " failed";
  if (brokenPolicies > 0) std::cout << ", " << brokenPolicies << " policies with errors";
  std::cout << "\n";
  bool coverageOk = true;
  if (options.coverage || options.minCoverage > 0) {
    std::ostringstream percent;
    percent << std::fixed << std::setprecision(1) << coverage.percent();
    std::cout << "coverage: " << coverage.reachedCount() << " of " << coverage.items.size()
              << " rules and split branches reached (" << percent.str() << "%)\n";
    if (options.coverage) {
      for (const policytest::Coverage::Item& item : coverage.items) {
        if (!item.reached)
          std::cout << "  not reached: " << item.what << " at " << locationText(item.loc) << "\n";
      }
    }
    if (coverage.percent() + 1e-9 < options.minCoverage) {
      std::cout << "coverage " << percent.str() << "% is below --min-coverage "
                << options.minCoverage << "%\n";
      coverageOk = false;
    }
  }
  return failed == 0 && brokenPolicies == 0 && coverageOk ? 0 : 1;
}

}  // namespace meshc::driver
