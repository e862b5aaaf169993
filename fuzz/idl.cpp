// The IDL reader (pledge-gen) on any text: it returns a validated IdlFile or throws IdlError whose
// message starts with "file:line:"; anything else escaping (a crash, a yaml-cpp exception it let
// through) is a finding. An IDL it takes is also turned into C++ by the emitter.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pledge/gen/cpp_emitter.h"
#include "pledge/gen/idl.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    pledge::gen::IdlFile idl = pledge::gen::parseIdlText(text, "fuzz.pledge.yaml");
    (void)pledge::gen::emitCpp(idl);
  } catch (const pledge::gen::IdlError& error) {
    pledge::fuzz::check(std::string_view(error.what()).starts_with("fuzz.pledge.yaml:"),
                        std::string("an IDL error that names no file and line: ") + error.what());
  }
  return 0;
}
