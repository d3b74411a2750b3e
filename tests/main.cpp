// Catch2 runner for the unit tests (one file per module: tests/test_<module>.cpp).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
