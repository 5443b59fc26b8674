// Shared by the analysis tests: resources loaded once from the source tree's lexicons.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "analysis/pipeline.h"

namespace sagsindeks::test {

inline const Resources& resources() {
  static std::shared_ptr<const Resources> r = [] {
    ResourceOptions o;
    o.lexicon_dir = std::string(SAGSINDEKS_SOURCE_DIR) + "/lexicons";
    auto res = Resources::load(o);
    if (!res.ok()) {
      ADD_FAILURE() << res.error().message;
      std::abort();
    }
    return *res;
  }();
  return *r;
}

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
