/* SPDX-License-Identifier: BSD-3-Clause */
/* vector.h - the reference test vector (upstream-probe-generation.md 5.2 and 5.3). */
#ifndef DC_PF_TEST_VECTOR_H
#define DC_PF_TEST_VECTOR_H

/* Key: ASCII "0123456789abcdef" four times, 64 bytes, as in a secret file. */
#define VEC_KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The 594-byte canonical payload. */
#define VEC_PAYLOAD                                                                                \
    "{\"summary\":{\"config_file_path\":\"\\/home\\/alice\\/host.yaml\",\"probe_file_path\":"      \
    "\"\\/home\\/alice\\/probes.json.gz\",\"hostname\":\"node1\",\"user\":\"alice\","              \
    "\"install_user\":\"root\"},\"categories\":[{\"type\":0,\"name\":\"sys\",\"functions\":"       \
    "[\"openat\",\"read\"],\"function_arguments\":{\"read\":[{\"index\":0,\"num_bytes\":4,"        \
    "\"is_pointer\":false,\"label\":\"fd\",\"c_type\":\"unsigned int\"},{\"index\":1,"             \
    "\"num_bytes\":64,\"is_pointer\":true,\"label\":\"buf\",\"c_type\":\"char *\"}]}},{\"type\":"  \
    "2,\"name\":\"libc\",\"functions\":[\"fopen:0x7f1c0\",\"fread:0x7a2b0\"],\"binary_path\":"     \
    "\"\\/usr\\/lib64\\/libc.so.6\",\"include_offsets\":true}],\"checksum_algorithm\":"            \
    "\"hmac-sha256\"}"

#define VEC_MAC "05a148bfbbec07dcc4ec3d3bf38da2740b96f2747f299238551bf0e18c66b884"

/* The document as upstream writes it (json-c pretty: no space after ':'), decompressed. */
#define VEC_DOC                                                                                    \
    "{\n"                                                                                          \
    "  \"summary\":{\n"                                                                            \
    "    \"config_file_path\":\"\\/home\\/alice\\/host.yaml\",\n"                                  \
    "    \"probe_file_path\":\"\\/home\\/alice\\/probes.json.gz\",\n"                              \
    "    \"hostname\":\"node1\",\n"                                                                \
    "    \"user\":\"alice\",\n"                                                                    \
    "    \"install_user\":\"root\"\n"                                                              \
    "  },\n"                                                                                       \
    "  \"categories\":[\n"                                                                         \
    "    {\n"                                                                                      \
    "      \"type\":0,\n"                                                                          \
    "      \"name\":\"sys\",\n"                                                                    \
    "      \"functions\":[ \"openat\", \"read\" ],\n"                                              \
    "      \"function_arguments\":{\n"                                                             \
    "        \"read\":[\n"                                                                         \
    "          { \"index\":0, \"num_bytes\":4, \"is_pointer\":false, \"label\":\"fd\", "           \
    "\"c_type\":\"unsigned int\" },\n"                                                             \
    "          { \"index\":1, \"num_bytes\":64, \"is_pointer\":true, \"label\":\"buf\", "          \
    "\"c_type\":\"char *\" }\n"                                                                    \
    "        ]\n"                                                                                  \
    "      }\n"                                                                                    \
    "    },\n"                                                                                     \
    "    {\n"                                                                                      \
    "      \"type\":2,\n"                                                                          \
    "      \"name\":\"libc\",\n"                                                                   \
    "      \"functions\":[ \"fopen:0x7f1c0\", \"fread:0x7a2b0\" ],\n"                              \
    "      \"binary_path\":\"\\/usr\\/lib64\\/libc.so.6\",\n"                                      \
    "      \"include_offsets\":true\n"                                                             \
    "    }\n"                                                                                      \
    "  ],\n"                                                                                       \
    "  \"checksum_algorithm\":\"hmac-sha256\",\n"                                                  \
    "  \"checksum\":\"" VEC_MAC "\"\n"                                                             \
    "}\n"

#endif
