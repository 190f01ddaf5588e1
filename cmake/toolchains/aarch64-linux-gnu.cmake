# Cross-compiles the probe for linux/arm64 on an x86-64 Debian machine with Debian's cross
# toolchain (g++-aarch64-linux-gnu: its own glibc and libstdc++, static archives included):
#   bash scripts/setup-deps.sh --arch arm64 && cmake --preset release-arm64
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(HEALTHPROBE_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${HEALTHPROBE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${HEALTHPROBE_CROSS_TRIPLE}-g++)

# Libraries and the C/C++ runtime come only from the target's tree; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${HEALTHPROBE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
# nlohmann/json, spdlog and fmt are used header-only and their headers do not depend on the
# architecture, so the host's copies (/usr/include) serve. -idirafter puts that directory after the
# cross compiler's own (so the target's glibc and libstdc++ headers always win) and makes CMake treat
# it as an implicit directory, so no -isystem /usr/include ever moves it in front.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_CXX_FLAGS_INIT "-idirafter /usr/include")

# How the host runs the target's programs: user-mode QEMU (no binfmt registration needed).
find_program(HEALTHPROBE_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(HEALTHPROBE_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${HEALTHPROBE_QEMU_AARCH64}")
endif()
