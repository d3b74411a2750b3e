// A libFuzzer entry point for one input format, chosen at compile time by PROJCONV_FUZZ_FORMAT.
#include <cstdio>
#include <cstdlib>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = projconv::fuzz::check_input(PROJCONV_FUZZ_FORMAT, data, size);
  if (!broken.empty()) {
    std::fprintf(stderr, "projconv fuzz property broken (%s): %s\n", PROJCONV_FUZZ_FORMAT, broken.c_str());
    std::abort();
  }
  return 0;
}
