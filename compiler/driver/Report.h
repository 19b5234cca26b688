#pragma once

#include "driver/Commands.h"
#include "driver/Frontend.h"

namespace meshc::driver {

// Prints a policy's diagnostics as the options say (text with or without colour, or JSON), after
// promoting warnings under --werror; true when the policy may go on to the next stage.
bool reportDiagnostics(CheckedPolicy& checked, const ReportOptions& options);

}  // namespace meshc::driver
