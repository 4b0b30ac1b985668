import type { StaffUser } from '../../core/index.ts';
import { html } from './html.ts';
import { page } from './page.ts';

/**
 * The login form. Its script posts the credentials to the API and goes on to `next`; it runs
 * only with `nonce`, which the page's Content-Security-Policy must allow.
 */
export function renderLoginPage(input: {
  nonce: string;
  next: string;
  user?: StaffUser | undefined;
}): string {
  const { nonce, next, user } = input;
  return page({
    title: 'Log in',
    nav: null,
    body: html`<h1>Log in</h1>
      <section class="panel" style="max-width:26rem">
        ${user ? html`<p class="note">You are logged in as ${user.displayName}.</p>` : ''}
        <form id="login" class="stacked stack" method="post" action="/api/auth/login" data-next="${next}">
          <label>Username <input name="username" autocomplete="username" required autofocus /></label>
          <label
            >Password <input name="password" type="password" autocomplete="current-password" required
          /></label>
          <button class="primary" type="submit">Log in</button>
          <p id="login-status" role="status" aria-live="polite"></p>
        </form>
        <noscript><p>Logging in needs JavaScript.</p></noscript>
      </section>`,
    script: { nonce, code: loginScript },
  });
}

/** A path on this site to go to after logging in; anything else (another origin, `//host`) is refused. */
export function localPath(value: unknown): string | undefined {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  ) {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value) || value.length > 2000) return undefined;
  return value;
}

const loginScript = `
const form = document.getElementById('login');
const status = document.getElementById('login-status');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.textContent = 'Logging in…';
  try {
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username: form.elements.username.value, password: form.elements.password.value }),
    });
    if (response.ok) {
      location.assign(form.dataset.next);
      return;
    }
    const problem = await response.json().catch(() => null);
    status.textContent = (problem && problem.detail) || 'Logging in failed (' + response.status + ').';
  } catch {
    status.textContent = 'The server could not be reached. Try again.';
  }
});
`;
