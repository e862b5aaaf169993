// Signing in with an API token when the server has tokens, and the header's account: who is
// signed in, their role and Sign out (or "open server" when the server has no tokens).
import { useState } from 'preact/hooks';
import { storeToken, whoami } from './api.js';
import { html } from './ui.js';

// The sign-in form. notice: why it shows (a token no longer accepted), or null. onSignedIn(who)
// runs once the server accepted the token, which this tab then keeps in sessionStorage.
export function SignIn({ notice, onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const secret = token.trim();
    if (!secret) {
      setError('Paste a token first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const who = await whoami(secret);
      storeToken(who.open ? null : secret);
      onSignedIn(who);
    } catch (failure) {
      setError(failure.status === 401 ? `This token is not accepted: ${failure.message}` : failure.message);
      setBusy(false);
    }
  };
  return html`<section class="sign-in">
    <form data-testid="sign-in" onSubmit=${submit}>
      <h1>Sign in</h1>
      ${notice ? html`<div class="banner info" data-testid="sign-in-notice">${notice}</div>` : null}
      <label for="token">API token</label>
      <input id="token" data-testid="token" type="password" autocomplete="off" spellcheck="false"
        placeholder="pledge_…" value=${token} onInput=${(e) => setToken(e.target.value)} autofocus />
      ${error ? html`<div class="banner error" role="alert" data-testid="sign-in-error">${error}</div>` : null}
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
      <p class="hint">Tokens come from <code>pledge-server token create</code> (ask an admin); this tab keeps yours until it closes.</p>
    </form>
  </section>`;
}

// The header's account: "name · role" and Sign out, or the open-server badge.
export function Account({ who, onSignOut }) {
  if (!who) return null;
  if (who.open) {
    return html`<div class="account"><span class="badge open" data-testid="open-server"
      title="This server has no tokens: every request may do everything">open server</span></div>`;
  }
  const signOut = (event) => {
    event.preventDefault();
    onSignOut();
  };
  return html`<div class="account">
    <span data-testid="account" title=${who.actors.length ? `actors: ${who.actors.join(', ')}` : ''}>${who.name} · ${who.role}</span>
    <a href="#" data-testid="sign-out" onClick=${signOut}>Sign out</a>
  </div>`;
}
