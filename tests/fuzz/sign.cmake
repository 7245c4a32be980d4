# fuzz_sign_request: the request parser of datacrumbs_sign_probes (include()d from
# tests/fuzz/CMakeLists.txt, which sets DC_FUZZ_FLAGS). The signer's parsing and policy sources
# are compiled into the target so that libFuzzer sees their coverage; the probe file library is
# linked as it is. Seeds: tests/fuzz/corpus/sign_request/.
find_package(PkgConfig REQUIRED)
pkg_check_modules(FUZZ_SIGN_LIBBPF REQUIRED IMPORTED_TARGET libbpf)
find_package(Threads REQUIRED)

get_target_property(dc_sign_dir dc_sign_core SOURCE_DIR)
set(dc_sign_fuzz_sources canon.c jsonscan.c rpc.c handler.c policy.c ksyms.c access.c peer.c)
list(TRANSFORM dc_sign_fuzz_sources PREPEND ${dc_sign_dir}/)
# The strict UTF-8 check canon.c calls, instrumented too.
list(APPEND dc_sign_fuzz_sources ${PROJECT_SOURCE_DIR}/src/common/utf8.c)
add_executable(fuzz_sign_request fuzz_sign_request.c ${dc_sign_fuzz_sources})
target_compile_definitions(fuzz_sign_request PRIVATE _GNU_SOURCE)
target_include_directories(fuzz_sign_request PRIVATE ${dc_sign_dir}
                           ${PROJECT_BINARY_DIR}/generated)
target_compile_options(fuzz_sign_request PRIVATE ${DC_FUZZ_FLAGS} -Wall -Wextra
                       -Wno-unused-parameter)
target_link_options(fuzz_sign_request PRIVATE ${DC_FUZZ_FLAGS})
target_link_libraries(fuzz_sign_request PRIVATE dc_probefile PkgConfig::FUZZ_SIGN_LIBBPF
                      Threads::Threads)
