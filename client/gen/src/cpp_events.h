// The C++ pledge-gen writes for a decider's `events:`: the <Decider>Events class its events()
// returns (one method per event, each recording an event task through pledge::waitForEvent) and
// the <Decider>EventsRecording test double its <Decider>Recording::events() returns. Private to
// pledge-gen; cpp_emitter.cpp calls these for deciders that declare events.
//
//   if (!decider.events.empty()) eventsDeclaration(out, decider);
#pragma once

#include <string>

#include "cpp_fragments.h"
#include "pledge/gen/idl.h"

namespace pledge::gen {

// What an event's promise resolves with: pledge::Promise<Payload>.
std::string eventPromiseType(const IdlEvent& event);

void eventsDeclaration(Text& out, const IdlActor& decider);
void eventsDefinitions(Text& out, const IdlActor& decider);
void eventsRecordingDeclaration(Text& out, const IdlActor& decider);
void eventsRecordingDefinition(Text& out, const IdlActor& decider);

}  // namespace pledge::gen
