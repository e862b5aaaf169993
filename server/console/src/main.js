// The console's shell: who is signed in (GET /api/v1/whoami on load; the sign-in form when the
// server wants a token), navigation over the pages the role may read, and a hash router.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { storedToken, storeToken, whenUnauthenticated, whoami } from './api.js';
import { SessionContext, may } from './session.js';
import { Account, SignIn } from './sign_in.js';
import { ErrorBanner, Loading, Refused, html } from './ui.js';
import { Queues } from './pages/queues.js';
import { Processes } from './pages/processes.js';
import { ProcessDetail } from './pages/process.js';
import { Broken } from './pages/broken.js';
import { Actors } from './pages/actors.js';
import { Events } from './pages/events.js';
import { Workflows } from './pages/workflows.js';
import { WorkflowDetail } from './pages/workflow.js';
import { Schedules } from './pages/schedules.js';
import { ScheduleDetail } from './pages/schedule.js';
import { Metrics } from './pages/metrics.js';
import { Cluster } from './pages/cluster.js';

// needs: what the role must may (whoami's may) to see the page; what: the refusal's words.
const pages = [
  { path: 'queues', label: 'Queues', page: Queues, needs: 'read', what: 'read the queues' },
  // A starter may open one process (its id in the search box) but not list them.
  { path: 'processes', label: 'Processes', page: Processes, needs: 'read-process', what: 'read processes' },
  { path: 'broken', label: 'Broken', page: Broken, needs: 'read', what: 'read the broken processes' },
  { path: 'actors', label: 'Actors', page: Actors, needs: 'read', what: 'read the actors' },
  { path: 'workflows', label: 'Workflows', page: Workflows, needs: 'read', what: 'read the workflows' },
  { path: 'schedules', label: 'Schedules', page: Schedules, needs: 'read', what: 'read the schedules' },
  { path: 'events', label: 'Events', page: Events, needs: 'read', what: 'read the kept events' },
  { path: 'metrics', label: 'Metrics', page: Metrics, needs: 'read', what: 'read the metrics' },
  { path: 'cluster', label: 'Cluster', page: Cluster, needs: 'read', what: 'read the cluster' },
];

function route() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, ...rest] = hash.split('/');
  const query = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
  return { path: path.split('?')[0], rest: rest.map((part) => part.split('?')[0]), query };
}

function decodePart(part) {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    return part;
  }
}

function Body({ current, session, visible }) {
  if (visible.length === 0) {
    return html`<${Refused} what="read anything the console shows; sign in with a viewer, operator or admin token" />`;
  }
  if (current.path === 'processes' && current.rest[0]) {
    if (!may(session, 'read-process')) return html`<${Refused} what="read processes" />`;
    return html`<${ProcessDetail} key=${current.rest[0]} id=${current.rest[0]} />`;
  }
  if (current.path === 'workflows' && current.rest[0]) {
    if (!may(session, 'read')) return html`<${Refused} what="read the workflows" />`;
    const [name, version] = current.rest.map(decodePart);
    return html`<${WorkflowDetail} key=${current.rest.join('/')} name=${name} version=${version || null} />`;
  }
  if (current.path === 'schedules' && current.rest[0]) {
    if (!may(session, 'read')) return html`<${Refused} what="read the schedules" />`;
    const id = decodePart(current.rest[0]);
    return html`<${ScheduleDetail} key=${id} id=${id} />`;
  }
  const found = pages.find((p) => p.path === current.path) || visible[0];
  if (!may(session, found.needs)) return html`<section><h1>${found.label}</h1><${Refused} what=${found.what} /></section>`;
  return html`<${found.page} query=${current.query} />`;
}

// session: {state: 'checking'} | {state: 'signed-out', notice} | {state: 'signed-in', who} |
// {state: 'failed', error} (the server could not be asked).
function App() {
  const [current, setCurrent] = useState(route());
  const [session, setSession] = useState({ state: 'checking' });
  const check = async () => {
    setSession({ state: 'checking' });
    const token = storedToken();
    try {
      const who = await whoami(token);
      if (who.open) storeToken(null);
      setSession({ state: 'signed-in', who });
    } catch (error) {
      if (error.status !== 401) {
        setSession({ state: 'failed', error });
        return;
      }
      storeToken(null);
      setSession({ state: 'signed-out', notice: token ? `This tab's token is no longer accepted: ${error.message}` : null });
    }
  };
  useEffect(() => {
    const onChange = () => setCurrent(route());
    window.addEventListener('hashchange', onChange);
    // A later call answering 401: the server no longer takes the token (restarted with others).
    whenUnauthenticated((error) => {
      storeToken(null);
      setSession({ state: 'signed-out', notice: `Signed out: the server no longer accepts this tab's token (${error.message})` });
    });
    check();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const signOut = () => {
    storeToken(null);
    setSession({ state: 'signed-out', notice: null });
  };

  const who = session.state === 'signed-in' ? session.who : null;
  const visible = who ? pages.filter((p) => may(who, p.needs)) : [];
  let body;
  if (session.state === 'checking') {
    body = html`<${Loading} />`;
  } else if (session.state === 'failed') {
    body = html`<${ErrorBanner} error=${session.error} /><button onClick=${check}>Try again</button>`;
  } else if (session.state === 'signed-out') {
    body = html`<${SignIn} notice=${session.notice} onSignedIn=${(signedIn) => setSession({ state: 'signed-in', who: signedIn })} />`;
  } else {
    body = html`<${Body} current=${current} session=${who} visible=${visible} />`;
  }
  const active = current.path || (visible[0] && visible[0].path);
  return html`<${SessionContext.Provider} value=${who}><div class="shell">
    <header>
      <a class="brand" href="#/">Pledge</a>
      <nav>${visible.map((p) => html`<a href=${`#/${p.path}`} class=${active === p.path ? 'active' : ''}>${p.label}</a>`)}</nav>
      <${Account} who=${who} onSignOut=${signOut} />
    </header>
    <main>${body}</main>
  </div><//>`;
}

render(html`<${App} />`, document.getElementById('app'));
