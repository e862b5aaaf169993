// Emits the C++ of one IDL file: "<stem>.pledge.h" and "<stem>.pledge.cpp".
//
// Per worker: the interface to implement, the client proxy (Arg<T> in, Promise<R> out, with()),
// the dispatcher and the recording test double. Per decider: the interface with execute and
// asynchronous methods and its async() self-proxy, the decider client (a sub-process inside a
// decider), the starter (a process from outside), the dispatcher and the recording test double.
// Per file: one exported registration function, pledge_register_<stem>.
//
//   pledge::gen::GeneratedCode code = pledge::gen::emitCpp(idl);
//   write(outDir / code.headerName, code.header);
#pragma once

#include <string>

#include "pledge/gen/idl.h"

namespace pledge::gen {

struct GeneratedCode {
  std::string headerName;  // "<stem>.pledge.h"
  std::string header;
  std::string sourceName;  // "<stem>.pledge.cpp"
  std::string source;
};

// Pure: the same IDL always gives the same text.
GeneratedCode emitCpp(const IdlFile& idl);

}  // namespace pledge::gen
