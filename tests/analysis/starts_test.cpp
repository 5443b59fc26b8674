// StartFinder (extract/starts.h): the kinds found at each start are the same whether the set
// decides them or the guessed kind's check does; a start of two kinds is listed under both, also
// after the guess for its first two bytes has been learned as one of them.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "extract/starts.h"

namespace sagsindeks {
namespace {

std::vector<uint32_t> at(const Starts& s, StartKind k) { return s[k]; }

TEST(StartFinder, TwoKindsAtOneStartAfterAGuess) {
  auto f = StartFinder::create({{StartKind::kCaseLabel, "(?i)sag"}, {StartKind::kMunicipality, "Sagsø"},
                                {StartKind::kClosing, "(?i)hilsen"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  Starts s;
  // "Sag" alone teaches the guess for "Sa"; then "Sagsø" starts both kinds, "Sagen" only one.
  for (int round = 0; round < 3; ++round) {
    (*f)->find("Sag 12. Sagsø hilsen Sagen", s);
    EXPECT_EQ(at(s, StartKind::kCaseLabel), (std::vector<uint32_t>{0, 8, 22})) << round;
    EXPECT_EQ(at(s, StartKind::kMunicipality), (std::vector<uint32_t>{8})) << round;
    EXPECT_EQ(at(s, StartKind::kClosing), (std::vector<uint32_t>{15})) << round;
    EXPECT_TRUE(at(s, StartKind::kTrigger).empty());
  }
}

TEST(StartFinder, OneKindOnly) {
  auto f = StartFinder::create({{StartKind::kTrigger, "(?i)fritag(?:else|et)?"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  Starts s;
  for (int round = 0; round < 2; ++round) {
    (*f)->find("Fritagelse og fritaget, FRITAG", s);
    EXPECT_EQ(at(s, StartKind::kTrigger), (std::vector<uint32_t>{0, 14, 24})) << round;
  }
}

}  // namespace
}  // namespace sagsindeks
