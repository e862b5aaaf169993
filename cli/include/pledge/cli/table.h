// Table: aligned text tables for the terminal.
//
//   Table table({"ID", "STATE", "STARTED"});
//   table.add({"0193ab…", "completed", "3s ago"});
//   std::cout << table.render();
#pragma once

#include <string>
#include <vector>

namespace pledge::cli {

// A value; thread-compatible.
class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // Rows shorter than the header are padded with empty cells.
  void add(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  // Columns separated by two spaces, each as wide as its widest cell (display width: UTF-8 code
  // points, ANSI colour codes not counted); no trailing spaces.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// The display width of text: UTF-8 code points, without ANSI escape sequences.
std::size_t displayWidth(const std::string& text);

}  // namespace pledge::cli
