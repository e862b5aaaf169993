#include "pledge/text.h"

#include <gtest/gtest.h>

namespace pledge {
namespace {

TEST(Text, wellFormedUtf8IsValidAndEveryBrokenFormIsFound) {
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8("gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80"));  // ü ß € 😀
  EXPECT_EQ(firstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(firstInvalidUtf8("\xC3"), 0u) << "a sequence cut at the end";
  EXPECT_EQ(firstInvalidUtf8("\xC0\xAF"), 0u) << "an overlong '/'";
  EXPECT_EQ(firstInvalidUtf8("\xED\xA0\x80"), 0u) << "a UTF-16 surrogate";
  EXPECT_EQ(firstInvalidUtf8("\xF4\x90\x80\x80"), 0u) << "above U+10FFFF";
  EXPECT_EQ(firstInvalidUtf8("x\xE2\x82"), 1u);
}

TEST(Text, repairReplacesEachBrokenByteAndKeepsTheRest) {
  EXPECT_EQ(toValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(toValidUtf8("\xC3\xBC"), "\xC3\xBC");
  EXPECT_TRUE(isValidUtf8(toValidUtf8("\xE2\x82\xC3\xBC\xFF\xFE")));
}

TEST(Text, truncationNeverCutsACharacter) {
  const std::string euros = "\xE2\x82\xAC\xE2\x82\xAC";  // €€, 6 bytes
  EXPECT_EQ(truncateUtf8(euros, 6), euros);
  EXPECT_EQ(truncateUtf8(euros, 5), "\xE2\x82\xAC");
  EXPECT_EQ(truncateUtf8(euros, 4), "\xE2\x82\xAC");
  EXPECT_EQ(truncateUtf8(euros, 2), "");
  // Every cut of a long text of multi-byte characters stays valid.
  std::string text;
  for (int i = 0; i < 30; ++i) text += "\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80";
  for (std::size_t cut = 0; cut <= text.size(); ++cut)
    EXPECT_TRUE(isValidUtf8(truncateUtf8(text, cut))) << cut;
}

TEST(Text, quotedInputIsValidPrintableAndShort) {
  EXPECT_EQ(quoteInput("a\nb\x01"), "a\\x0Ab\\x01");
  EXPECT_EQ(quoteInput("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(quoteInput(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
}

TEST(Text, namesAreCheckedForEmptinessLengthEncodingAndControls) {
  EXPECT_EQ(checkName("MailService#1.0", 256), std::nullopt);
  EXPECT_EQ(checkName("", 256), "must not be empty");
  EXPECT_EQ(checkName("", 256, /*allowEmpty=*/true), std::nullopt);
  EXPECT_EQ(checkName("abcdef", 5), "must be at most 5 bytes long, got 6 bytes");
  EXPECT_EQ(checkName("a\xFF", 256), "must be valid UTF-8 (byte 1 is not): \"a\xEF\xBF\xBD\"");
  EXPECT_EQ(checkName(std::string("a\0b", 3), 256),
            "must not contain control characters (byte 1 is 0x00): \"a\\x00b\"");
  EXPECT_EQ(checkName("tab\there", 256),
            "must not contain control characters (byte 3 is 0x09): \"tab\\x09here\"");
  EXPECT_EQ(checkName("del\x7F", 256),
            "must not contain control characters (byte 3 is 0x7F): \"del\\x7F\"");
  EXPECT_EQ(checkName("Zahlung#\xC3\xBC", 256), std::nullopt);
}

}  // namespace
}  // namespace pledge
