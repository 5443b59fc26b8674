// Latin1Groups (core/re.h) against RE2's own groups: the same groups for every text, whichever
// program took them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/re.h"
#include "extract/names.h"

namespace sagsindeks {
namespace {

// Every match of `pattern` in `text` found by a consuming search, its groups taken by RE2 and by
// Latin1Groups with the same context: they must agree.
void expect_same_groups(const std::string& pattern, const std::string& text) {
  auto re = make_re(pattern);
  ASSERT_TRUE(re->ok()) << re->error();
  const Latin1Groups groups(*re);
  const int n = 1 + re->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> want(static_cast<size_t>(n)), got(static_cast<size_t>(n));
  re2::StringPiece in(text);
  int matches = 0;
  while (!in.empty()) {
    re2::StringPiece whole;
    if (!re->Match(in, 0, in.size(), RE2::UNANCHORED, &whole, 1)) break;
    const size_t b = static_cast<size_t>(whole.data() - in.data()), e = b + whole.size();
    ASSERT_TRUE(re->Match(in, b, e, RE2::ANCHOR_BOTH, want.data(), n));
    ASSERT_TRUE(groups.groups(std::string_view(in.data(), in.size()), b, e, got.data(), n)) << pattern << " in " << text;
    for (int k = 0; k < n; ++k) {
      const auto& w = want[static_cast<size_t>(k)];
      const auto& g = got[static_cast<size_t>(k)];
      EXPECT_EQ(w.data() == nullptr, g.data() == nullptr) << pattern << " group " << k << " in " << text;
      EXPECT_EQ(w.data(), g.data()) << pattern << " group " << k << " in " << text;
      EXPECT_EQ(w.size(), g.size()) << pattern << " group " << k << " in " << text;
    }
    ++matches;
    in.remove_prefix(std::max<size_t>(e, 1));
  }
  EXPECT_GT(matches, 0) << pattern << " in " << text;
}

TEST(Latin1Groups, NamesAsRe2TakesThem) {
  const std::string name = std::string("(?:Borgmester )?") + kNamePattern + kPartyPattern;
  for (const char* text : {"Med venlig hilsen\nJens Ærø Hansen (V)\nborgmester", "Borgmester Ole Bjørstorp, Ishøj",
                           "Karen Ellemann / Rikke Hvid-Danielsen", "Anne-Mette Ødegård Å. Nielsen og Per Ølgod",
                           // Characters above U+00FF: the UTF-8 program takes the groups.
                           "Łukasz Nowak og Jens Hansen", "Zoë Ŝtal Ørsted", "Ålborg\xE2\x80\xA6 Jens Hansen"})
    expect_same_groups(name, text);
}

TEST(Latin1Groups, ContextOfTheMatchIsKept) {
  // ^, $ and \b look at the characters around the match: the same answers with one kept on
  // either side.
  expect_same_groups("(?m)^(\\p{Lu}\\p{Ll}+)(\\s|$)", "Ærø\nØster by\nÅen");
  expect_same_groups("\\b(\\p{Ll}+)\\b", "æble, ørred; åen");
  expect_same_groups("(?i)(sag)\\s*(nr\\.?)?\\s*(\\d+)$", "SAG nr. 12 og sag 13");
  expect_same_groups("(?i)(ÆBLE|øl)(s)?", "ÆBLEs Øl æble");
}

TEST(Latin1Groups, InvalidUtf8TakesTheUtf8Program) {
  expect_same_groups("(\\p{Lu})(\\p{Ll}+)", std::string("Ab\xC3") + "Cd\xFF" + "Ef");
}

TEST(Latin1Groups, PatternAboveLatin1) {
  // A pattern with a character above U+00FF has no Latin-1 copy; the groups are RE2's.
  expect_same_groups("(Łódź|Århus)( \\p{Lu}\\p{Ll}+)?", "Łódź Nord og Århus Syd");
}

}  // namespace
}  // namespace sagsindeks
