# fuzz_yaml and fuzz_elf: the host YAML loader and the ELF readers (function symbols, USDT
# notes) of datacrumbs_probe_configurator (include()d from tests/fuzz/CMakeLists.txt). The
# configurator's sources are compiled into each target, so that libFuzzer sees their coverage;
# the libraries they use are linked as they are. Seeds: corpus/yaml/, corpus/elf/.
find_package(PkgConfig REQUIRED)
pkg_check_modules(FUZZ_YAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(FUZZ_LIBELF REQUIRED IMPORTED_TARGET libelf)
pkg_check_modules(FUZZ_CFG_LIBBPF REQUIRED IMPORTED_TARGET libbpf)
pkg_check_modules(FUZZ_PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
find_package(Threads REQUIRED)

get_target_property(dc_cfg_sources dc_configurator_core SOURCES)
get_target_property(dc_cfg_dir dc_configurator_core SOURCE_DIR)
list(TRANSFORM dc_cfg_sources PREPEND ${dc_cfg_dir}/)
foreach(dc_cfg_target yaml elf)
  dc_fuzz_target(fuzz_${dc_cfg_target}
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_${dc_cfg_target}.c ${dc_cfg_sources}
    INCLUDES ${dc_cfg_dir}
    LIBS dc_probefile dc_common PkgConfig::FUZZ_YAML PkgConfig::FUZZ_LIBELF
         PkgConfig::FUZZ_CFG_LIBBPF PkgConfig::FUZZ_PCRE2 Threads::Threads)
endforeach()
