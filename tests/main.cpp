// The Catch2 main for the cruntime_unit binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
