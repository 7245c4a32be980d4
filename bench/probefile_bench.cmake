# The HMAC benchmark driver of bench/probefile_hmac.sh (include()d from bench/CMakeLists.txt).
add_executable(probefile_hmac probefile_hmac.c)
dc_target_flags(probefile_hmac)
target_link_libraries(probefile_hmac PRIVATE dc_probefile)
