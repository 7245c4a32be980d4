# The CPU-cost driver of bench/sign_bench.sh (include()d from bench/CMakeLists.txt).
if(NOT TARGET dc_sign_core)
  return()
endif()
add_executable(sign_parse sign_parse.c)
dc_target_flags(sign_parse)
target_link_libraries(sign_parse PRIVATE dc_sign_core)
