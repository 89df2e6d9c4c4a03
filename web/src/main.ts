// The single page: hash routes (#/screen, #/entity/ID, #/exposure?org=...,
// #/lists), so the Go server only serves static files at "/".

import './style.css';
import { h, clear } from './dom';
import { AUTH_REQUIRED, getJSON, getToken, setToken } from './api';
import { screenPage } from './pages/screen';
import { entityPage } from './pages/entity';
import { exposurePage } from './pages/exposure';
import { listsPage } from './pages/lists';
import { monitorPage } from './pages/monitor';

const app = document.getElementById('app') as HTMLElement;
const auth = document.getElementById('auth') as HTMLElement;

function renderAuth(prompt = false): void {
  clear(auth);
  if (getToken() && !prompt) {
    const out = h('button', { type: 'button', className: 'small', 'data-testid': 'sign-out' }, 'Sign out');
    out.addEventListener('click', () => {
      setToken('');
      renderAuth();
      route();
    });
    auth.append(h('span', { className: 'muted', 'data-testid': 'signed-in' }, 'Signed in with a token '), out);
    return;
  }
  if (!prompt && demo) {
    // A --demo server on loopback needs no token; signing in stays possible.
    auth.append(h('span', { className: 'badge demo', 'data-testid': 'demo-mode', title: 'The server runs with --demo: requests without a token act as admin' }, 'demo mode'));
  }
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', placeholder: 'API token', size: 18, 'data-testid': 'token' });
  const form = h(
    'form',
    { className: 'row', 'aria-label': 'Sign in' },
    h('label', { for: 'token' }, prompt ? 'The server wants a token:' : 'Token'),
    input,
    h('button', { type: 'submit', 'data-testid': 'sign-in' }, 'Sign in'),
  );
  if (prompt) auth.classList.add('wanted');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    auth.classList.remove('wanted');
    renderAuth();
    route();
  });
  auth.append(form);
  if (prompt) input.focus();
}

window.addEventListener(AUTH_REQUIRED, () => renderAuth(true));

let demo = false;
// Ask who we are: a --demo server says so without a token.
getJSON<{ demo?: boolean; role?: string }>('/v1/me')
  .then((me) => {
    demo = !!me.demo && !getToken();
    renderAuth();
  })
  .catch(() => {
    /* 401 already asked for a token */
  });

function route(): void {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [page, ...rest] = path.split('/');
  const params = new URLSearchParams(query);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-route]')) {
    if (a.dataset.route === (page || 'screen')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  clear(app);
  window.__cy?.destroy();
  window.__cy = undefined;
  switch (page) {
    case 'entity':
      document.title = 'ties · entity';
      void entityPage(app, decodeURIComponent(rest.join('/')));
      break;
    case 'exposure':
      document.title = 'ties · exposure';
      void exposurePage(app, params);
      break;
    case 'monitor':
      document.title = 'ties · monitor';
      void monitorPage(app);
      break;
    case 'lists':
      document.title = 'ties · lists';
      void listsPage(app);
      break;
    default:
      document.title = 'ties · screen';
      screenPage(app);
  }
}

window.addEventListener('hashchange', route);
renderAuth();
route();
