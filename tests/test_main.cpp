// The Catch2 entry point, and quiet logging for every test.
#define CATCH_CONFIG_RUNNER
#include <spdlog/spdlog.h>
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  spdlog::set_level(spdlog::level::off);
  return Catch::Session().run(argc, argv);
}
