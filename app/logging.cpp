// Logging set-up (see logging.h).
#include "app/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace gazette {

void setup_logging(const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>("gazette",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

std::shared_ptr<spdlog::logger> make_access_logger(const std::string& target,
                                                   const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  if (target == "-") {
    // A sink of its own: set_pattern below formats the logger's sinks, and a shared sink
    // would turn every log line into an access line.
    logger = std::make_shared<spdlog::logger>("access",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "access", std::make_shared<spdlog::sinks::basic_file_sink_mt>(target));
  }
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ access %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace gazette
