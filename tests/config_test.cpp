// Unit tests of command-line and environment parsing.
#include <catch2/catch.hpp>

#include <map>

#include "app/config.h"

using namespace gazette;

namespace {

std::variant<Invocation, UsageError> parse(std::vector<std::string> argv,
                                           std::map<std::string, std::string> env = {}) {
  return parse_command_line(argv, [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace

TEST_CASE("serve defaults", "[config]") {
  auto inv = std::get<Invocation>(parse({"serve"}));
  CHECK(inv.command == "serve");
  CHECK(inv.config.db == "./gazette.db");
  CHECK(inv.config.host == "127.0.0.1");
  CHECK(inv.config.port == 8080);
  CHECK(inv.config.threads == default_threads());
  CHECK(inv.config.base_url.empty());
  CHECK(default_base_url("127.0.0.1", 8080) == "http://127.0.0.1:8080");
  CHECK(default_base_url("::1", 80) == "http://[::1]:80");
  CHECK_FALSE(inv.config.secure_cookies);
}

TEST_CASE("flags in both forms, variables, and which wins", "[config]") {
  auto inv = std::get<Invocation>(parse(
      {"serve", "--port=9000", "--db", "x.db", "--secure-cookies", "--base-url", "https://a.b/"},
      {{"GAZETTE_PORT", "7000"}, {"GAZETTE_HOST", "0.0.0.0"}, {"GAZETTE_THREADS", "4"}}));
  CHECK(inv.config.port == 9000);
  CHECK(inv.config.host == "0.0.0.0");
  CHECK(inv.config.threads == 4);
  CHECK(inv.config.db == "x.db");
  CHECK(inv.config.secure_cookies);
  CHECK(inv.config.base_url == "https://a.b");
  auto secure = std::get<Invocation>(parse({"serve"}, {{"GAZETTE_SECURE_COOKIES", "yes"}}));
  CHECK(secure.config.secure_cookies);
}

TEST_CASE("serve-only flags and variables do not apply to other commands", "[config]") {
  CHECK(std::holds_alternative<UsageError>(parse({"dump", "--port", "1"})));
  auto inv = std::get<Invocation>(parse({"dump"}, {{"GAZETTE_PORT", "nonsense"}}));
  CHECK(inv.command == "dump");
  CHECK(std::get<Invocation>(parse({"dump"}, {{"GAZETTE_DB", "e.db"}})).config.db == "e.db");
}

TEST_CASE("help and version", "[config]") {
  CHECK(std::get<Invocation>(parse({"--version"})).version);
  CHECK(std::get<Invocation>(parse({"--help"})).help);
  auto inv = std::get<Invocation>(parse({"serve", "--help"}));
  CHECK(inv.help);
  CHECK(inv.command == "serve");
  CHECK(help_text("serve").find("--base-url") != std::string::npos);
}

TEST_CASE("usage errors name the flag or variable", "[config]") {
  CHECK(std::get<UsageError>(parse({"serve", "--port", "x"})).message.starts_with("--port "));
  CHECK(std::get<UsageError>(parse({"serve"}, {{"GAZETTE_THREADS", "-3"}}))
            .message.starts_with("GAZETTE_THREADS "));
  CHECK(std::get<UsageError>(parse({"serve", "-x"})).message.find("-x") != std::string::npos);
  CHECK(std::get<UsageError>(parse({"nope"})).message.find("\"nope\"") != std::string::npos);
}
