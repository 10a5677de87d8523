// Logging: spdlog to stderr for the server's own events; access lines to stderr or a file.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace gazette {

// Makes the default logger write to stderr at `level` ("trace" ... "error").
void setup_logging(const std::string& level);

// The access logger: "-" shares stderr with the rest of the log; a path appends to that
// file. Its lines are at info level, so --log-level warn turns them off (as on
// benchmarks). Throws spdlog::spdlog_ex when the file cannot be opened.
std::shared_ptr<spdlog::logger> make_access_logger(const std::string& target,
                                                   const std::string& level);

}  // namespace gazette
