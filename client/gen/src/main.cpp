// pledge-gen <file.pledge.yaml>... -o <outdir>
// Generates <stem>.pledge.h and <stem>.pledge.cpp for each IDL file. A file whose text is
// unchanged is not rewritten, so builds do not recompile what did not change. Bad IDL: exit 1
// with "file:line: message" on stderr.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pledge/error.h"
#include "pledge/gen/cpp_emitter.h"
#include "pledge/gen/idl.h"

namespace {

constexpr const char* kUsage =
    "usage: pledge-gen <file.pledge.yaml>... -o <outdir>\n"
    "Generates <stem>.pledge.h and <stem>.pledge.cpp for each IDL file.\n";

// Writes text to path unless the file already holds exactly that text.
void writeIfChanged(const std::filesystem::path& path, const std::string& text) {
  {
    std::ifstream existing(path, std::ios::binary);
    if (existing) {
      std::ostringstream current;
      current << existing.rdbuf();
      if (current.str() == text) return;
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  PLEDGE_REQUIRE(static_cast<bool>(out), "cannot write {}", path.string());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string outDir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc) {
      outDir = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "pledge-gen: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty() || outDir.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    std::filesystem::create_directories(outDir);
    for (const std::string& input : inputs) {
      pledge::gen::GeneratedCode code = pledge::gen::emitCpp(pledge::gen::parseIdlFile(input));
      writeIfChanged(std::filesystem::path(outDir) / code.headerName, code.header);
      writeIfChanged(std::filesystem::path(outDir) / code.sourceName, code.source);
    }
  } catch (const pledge::gen::IdlError& error) {
    std::cerr << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "pledge-gen: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
