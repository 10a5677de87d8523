// The commands of the gazette binary. Each returns the process exit status (0 success,
// 1 runtime error); usage errors are caught earlier by parse_command_line (status 2).
#pragma once

#include "app/config.h"

namespace gazette {

int run_serve(const Invocation& inv);

}  // namespace gazette
