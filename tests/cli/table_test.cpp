#include "pledge/cli/table.h"

#include <gtest/gtest.h>

namespace pledge::cli {
namespace {

TEST(Table, alignsColumnsToTheWidestCell) {
  Table table({"ID", "STATE"});
  table.add({"a", "completed"});
  table.add({"bbbb", "ok"});
  EXPECT_EQ(table.render(), "ID    STATE\na     completed\nbbbb  ok\n");
}

TEST(Table, colourCodesAndMultibyteCharactersDoNotCountAsWidth) {
  EXPECT_EQ(displayWidth("\x1b[32mok\x1b[0m"), 2u);
  EXPECT_EQ(displayWidth("│ é…"), 4u);
  Table table({"A", "B"});
  table.add({"\x1b[31mxx\x1b[0m", "y"});
  EXPECT_EQ(table.render(), "A   B\n\x1b[31mxx\x1b[0m  y\n");
}

TEST(Table, shortRowsArePadded) {
  Table table({"A", "B", "C"});
  table.add({"1"});
  EXPECT_EQ(table.render(), "A  B  C\n1\n");
}

}  // namespace
}  // namespace pledge::cli
