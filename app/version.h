// The version, from CMakeLists.txt's project(VERSION ...).
#pragma once

namespace gazette {
inline constexpr const char* kVersion = GAZETTE_VERSION;
}
