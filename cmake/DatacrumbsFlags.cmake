# Warnings, hardening and sanitizers for everything we build.
set(DC_WARNINGS -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wno-unused-parameter -Wvla -Wpointer-arith -Wundef)
if(DC_WERROR)
  list(APPEND DC_WARNINGS -Werror)
endif()

# Hardening as the distributions build (packages add their own flags on top).
set(DC_HARDEN_C -fstack-protector-strong -fstack-clash-protection -fcf-protection)
# Distribution builds bring their own _FORTIFY_SOURCE level (Fedora uses 3): do not redefine it.
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug" AND NOT "${CMAKE_C_FLAGS} $ENV{CFLAGS} $ENV{CPPFLAGS}" MATCHES "_FORTIFY_SOURCE")
  list(APPEND DC_HARDEN_C -D_FORTIFY_SOURCE=2)
endif()
set(DC_HARDEN_LINK -Wl,-z,relro -Wl,-z,now -Wl,--as-needed)

set(DC_SAN_FLAGS "")
if(DC_SANITIZE)
  set(DC_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()

# dc_target_flags(TARGET [NO_SANITIZE]): the one place compile and link flags are decided.
# The client library is preloaded into arbitrary programs, so it never carries sanitizers.
function(dc_target_flags tgt)
  cmake_parse_arguments(A "NO_SANITIZE" "" "" ${ARGN})
  target_compile_options(${tgt} PRIVATE ${DC_WARNINGS} ${DC_HARDEN_C})
  target_compile_definitions(${tgt} PRIVATE _GNU_SOURCE)
  target_include_directories(${tgt} PRIVATE ${PROJECT_BINARY_DIR}/generated)
  target_link_options(${tgt} PRIVATE ${DC_HARDEN_LINK})
  if(DC_SANITIZE AND NOT A_NO_SANITIZE)
    target_compile_options(${tgt} PRIVATE ${DC_SAN_FLAGS})
    target_link_options(${tgt} PRIVATE ${DC_SAN_FLAGS})
  endif()
endfunction()
