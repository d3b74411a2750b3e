# Turns a text file into a C++ source defining `extern const char SYMBOL[]` (used to compile the schema in).
file(READ ${IN} content HEX)
string(LENGTH "${content}" hexlen)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUT} "// Generated from ${IN} by cmake/embed.cmake; do not edit.\n"
  "#include <cstddef>\nnamespace projconv {\nextern const char ${SYMBOL}[] = {${bytes} '\\0'};\n"
  "extern const std::size_t ${SYMBOL}_size = sizeof(${SYMBOL}) - 1;\n}\n")
