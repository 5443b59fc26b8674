// The numeric date forms whose digit runs skip the date-form set (extract/dates.cpp: four digits
// and "-" open only yyyy-mm-dd; a day, "." and a digit only the numeric form): they are found as
// before, and what the forms' own checks refuse stays refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace sagsindeks {
namespace {

std::vector<std::string> found(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : test::analyze_text(text).dates) out.push_back(d.value + " " + d.text + " " + d.rule);
  return out;
}

TEST(DateForms, IsoAndNumericFound) {
  EXPECT_EQ(found("Mødet holdes 2020-12-14 på rådhuset."),
            (std::vector<std::string>{"2020-12-14 2020-12-14 yyyy-mm-dd"}));
  EXPECT_EQ(found("Mødet holdes 14.12.2020 på rådhuset."),
            (std::vector<std::string>{"2020-12-14 14.12.2020 dd-mm-yyyy"}));
  EXPECT_EQ(found("Mødet holdes 4.3.2021 på rådhuset."), (std::vector<std::string>{"2021-03-04 4.3.2021 dd-mm-yyyy"}));
  EXPECT_EQ(found("Mødet holdes 14.12.20 på rådhuset."), (std::vector<std::string>{"2020-12-14 14.12.20 dd.mm.yy"}));
}

TEST(DateForms, RefusedAsBefore) {
  // Mixed separators, a number glued to more digits, an impossible day: no date.
  EXPECT_TRUE(found("Version 1.2-2020 er udsendt.").empty());
  EXPECT_TRUE(found("Telefon 2020-12-1499 hele dagen.").empty());
  EXPECT_TRUE(found("Mødet holdes 31.02.2020 på rådhuset.").empty());
  EXPECT_TRUE(found("Sag 2020-1234 er lukket.").empty());
}

TEST(DateForms, OtherFormsAfterADay) {
  // A day followed by "." and a month word, or by "/" or "-", still goes through the set.
  EXPECT_EQ(found("Mødet holdes 14. december 2020 på rådhuset."),
            (std::vector<std::string>{"2020-12-14 14. december 2020 d. month yyyy"}));
  EXPECT_EQ(found("Fristen er 29/9-10 kl. 12."), (std::vector<std::string>{"2010-09-29 29/9-10 d/m-yy"}));
}

}  // namespace
}  // namespace sagsindeks
