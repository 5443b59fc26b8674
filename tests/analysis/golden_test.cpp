// Golden cases per dimension and negative lists: what must be found, and what must not.
#include <gtest/gtest.h>

#include "test_support.h"

namespace sagsindeks {
namespace {
using test::analyze_text;
}  // namespace
}  // namespace sagsindeks
