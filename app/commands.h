// The commands of the gazette binary. Each returns the process exit status (0 success,
// 1 runtime error); usage errors are caught earlier by parse_command_line (status 2).
#pragma once

#include "app/config.h"

namespace gazette {

int run_serve(const Invocation& inv);    // app/serve.cpp
int run_user(const Invocation& inv);     // app/user_command.cpp
int run_backup(const Invocation& inv);   // app/backup_command.cpp
int run_import(const Invocation& inv);   // app/import_command.cpp
int run_dump(const Invocation& inv);     // app/dump_command.cpp
int run_export(const Invocation& inv);   // app/export_command.cpp
int run_related(const Invocation& inv);  // app/related_command.cpp
int run_check(const Invocation& inv);    // app/check_command.cpp

}  // namespace gazette
