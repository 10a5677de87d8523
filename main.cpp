// gazette: parse the command line and hand over to the command. Nothing else lives here.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "app/config.h"
#include "app/version.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = gazette::parse_command_line(args, [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  if (auto* err = std::get_if<gazette::UsageError>(&parsed)) {
    std::cerr << "gazette: " << err->message << "\n";
    return 2;
  }
  const auto& inv = std::get<gazette::Invocation>(parsed);
  if (inv.version) {
    std::cout << "gazette " << gazette::kVersion << "\n";
    return 0;
  }
  if (inv.help) {
    std::cout << gazette::help_text(inv.command);
    return 0;
  }
  if (inv.command == "serve") {
    if (!inv.args.empty()) {
      std::cerr << "gazette: serve takes no arguments (got \"" << inv.args.front() << "\")\n";
      return 2;
    }
    return gazette::run_serve(inv);
  }
  if (inv.command == "import") return gazette::run_import(inv);
  if (inv.command == "dump") return gazette::run_dump(inv);
  if (inv.command == "export") return gazette::run_export(inv);
  if (inv.command == "backup") return gazette::run_backup(inv);
  if (inv.command == "user") return gazette::run_user(inv);
  if (inv.command == "related") return gazette::run_related(inv);
  if (inv.command == "check") return gazette::run_check(inv);
  std::cerr << "gazette: the " << inv.command << " command is not available in this version yet\n";
  return 1;
}
