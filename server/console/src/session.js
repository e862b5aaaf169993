// Who this tab is signed in as: the answer of GET /api/v1/whoami ({name, role, actors, may, open})
// shared with every page, and what its role may do.
//
//   const session = useSession();
//   if (may(session, 'operate')) ... show the abort button
//
// The server decides (a call the role may not make answers 403); the console only hides what
// would be refused.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const SessionContext = createContext(null);

export function useSession() {
  return useContext(SessionContext);
}

// Whether the session's role may do what ("work", "start", "read-process", "read", "operate",
// "signal", "admin"); without a session (a page rendered alone) everything is shown.
export function may(session, what) {
  return !session || session.may.includes(what);
}
