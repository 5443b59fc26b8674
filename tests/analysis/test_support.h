// Shared by the analysis tests: a string analysed as if it were a file (the helpers of every
// test area, resources() among them, are in tests/common/test_util.h).
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../common/test_util.h"
#include "analysis/pipeline.h"

namespace sagsindeks::test {

// Analyses a UTF-8 string as if it were a file.
inline Analysis analyze_text(const std::string& text, Document* out = nullptr) {
  SourceInfo s;
  s.path = "test.txt";
  auto doc = prepare(text, s, resources(), {});
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return {};
  Analysis a = analyze(*doc, resources());
  if (out) *out = *doc;
  return a;
}

}  // namespace sagsindeks::test
