// The shell: sign in, the navigation a role may use, the language switch, and hash routing.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { csrfToken, get, onSignedOut, post, rememberSignIn, setToken, signOut as endSession, token } from './api.js';
import { lang, label, loadMessages, setLang, t } from './i18n.js';
import { forgetOrganisations } from './orgs.js';
import { can, mainRoles } from './roles.js';
import { Field, FormError, html, useForm } from './ui.js';
import { DashboardPage } from './pages/dashboard.js';
import { MemberPage, MembersPage, RegisterPage, ImportPage } from './pages/members.js';
import { UnionsPage } from './pages/unions.js';
import { WelfarePage } from './pages/welfare.js';
import { TrainingPage } from './pages/training.js';
import { RightsPage } from './pages/rights.js';
import { ReportPage } from './pages/report.js';
import { AuditPage, StaffPage } from './pages/staff.js';

const NAV = [
  ['dashboard', 'reports.read'],
  ['members', 'members.read'],
  ['unions', 'members.read'],
  ['welfare', 'welfare.read'],
  ['training', 'training.read'],
  ['rights', 'rights.read'],
  ['report', 'reports.read'],
  ['staff', 'users.write'],
  ['audit', 'audit.read'],
];

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return { parts: path ? path.split('/') : [], query: new URLSearchParams(query || '') };
}

function useRoute() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function SignIn({ onSignedIn, notice }) {
  const form = useForm({ username: '', password: '' }, {
    username: (v) => (String(v || '').trim() ? null : ['v.required']),
    password: (v) => (v ? null : ['v.required']),
  });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => {
      const answer = await post('/auth/login', { username: values.username.trim(), password: values.password });
      rememberSignIn(answer);
      onSignedIn(answer.user);
    });
  };
  return html`<main class="signin">
    <form class="card" onSubmit=${submit} novalidate>
      <h1>${t('app.title')}</h1>
      <p class="muted">${t('signin.intro')}</p>
      ${notice ? html`<div class="notice">${t(notice)}</div>` : null}
      <${FormError} form=${form} shown=${['username', 'password']} />
      <${Field} label=${t('signin.username')} name="username" errors=${form.errors}>
        <input ...${form.bind('username')} autocomplete="username" autofocus />
      <//>
      <${Field} label=${t('signin.password')} name="password" errors=${form.errors}>
        <input type="password" ...${form.bind('password')} autocomplete="current-password" />
      <//>
      <button type="submit" disabled=${form.busy}>${t('signin.submit')}</button>
      <${LanguageSwitch} />
    </form>
  </main>`;
}

function LanguageSwitch() {
  const [, redraw] = useState(0);
  const other = lang() === 'zh' ? 'en' : 'zh';
  return html`<button type="button" class="lang link" data-testid="language"
    onClick=${() => { setLang(other); redraw((n) => n + 1); window.dispatchEvent(new Event('languagechange')); }}>
    ${other === 'en' ? 'English' : '中文'}</button>`;
}

function Page({ user, route }) {
  const [area, id, sub] = route.parts;
  const props = { user, route, query: route.query };
  const allowed = (action) => can(user, action);
  switch (area || 'dashboard') {
    case 'dashboard': return html`<${DashboardPage} ...${props} />`;
    case 'members':
      if (id === 'new' && allowed('members.write')) return html`<${RegisterPage} ...${props} />`;
      if (id === 'import' && allowed('members.write')) return html`<${ImportPage} ...${props} />`;
      if (id) return html`<${MemberPage} ...${props} memberId=${id} />`;
      return html`<${MembersPage} ...${props} />`;
    case 'unions': return html`<${UnionsPage} ...${props} organisationId=${id} />`;
    case 'welfare': if (allowed('welfare.read')) return html`<${WelfarePage} ...${props} tab=${id} itemId=${sub} />`; break;
    case 'training': if (allowed('training.read')) return html`<${TrainingPage} ...${props} tab=${id} />`; break;
    case 'rights': if (allowed('rights.read')) return html`<${RightsPage} ...${props} tab=${id} />`; break;
    case 'report': return html`<${ReportPage} ...${props} />`;
    case 'staff': if (allowed('users.write')) return html`<${StaffPage} ...${props} />`; break;
    case 'audit': if (allowed('audit.read')) return html`<${AuditPage} ...${props} />`; break;
    default: break;
  }
  return html`<section><h2>${t('error.404')}</h2><p>${t('app.no_page')}</p></section>`;
}

function Shell({ user, onSignOut }) {
  const route = useRoute();
  const current = route.parts[0] || 'dashboard';
  const roles = mainRoles(user).map((role) => label('role', role)).join('、');
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/dashboard">${t('app.title')}</a>
      <nav class="main">${NAV.filter(([, action]) => can(user, action)).map(([key]) => html`
        <a href=${`#/${key}`} class=${key === current ? 'active' : ''} aria-current=${key === current ? 'page' : null}
          data-nav=${key}>${t(`nav.${key}`)}</a>`)}
      </nav>
      <div class="who" data-testid="who">
        <span class="user">${user.display_name || user.username}</span>
        <span class="roles">${roles}</span>
        <${LanguageSwitch} />
        <button type="button" class="secondary small" onClick=${onSignOut}>${t('signin.signout')}</button>
      </div>
    </header>
    <main class="content"><${Page} user=${user} route=${route} /></main>
  </div>`;
}

function App() {
  const [user, setUser] = useState(undefined);
  const [expired, setExpired] = useState(false);
  const [, redraw] = useState(0);
  useEffect(() => {
    const changed = () => redraw((n) => n + 1);
    window.addEventListener('languagechange', changed);
    // A session that ends mid-work asks to sign in again over the page, so the form underneath keeps what was typed.
    onSignedOut(() => { setToken(null); setExpired(true); });
    // A token in this tab, or the gateway's session cookie (its CSRF cookie shows it is there).
    if (token() || csrfToken()) get('/auth/me').then(setUser, () => { setToken(null); setUser(null); });
    else setUser(null);
    return () => window.removeEventListener('languagechange', changed);
  }, []);
  document.title = t('app.title');
  if (user === undefined) return html`<div class="loading">${t('common.loading')}</div>`;
  if (!user) return html`<${SignIn} onSignedIn=${(u) => { setExpired(false); setUser(u); }} />`;
  const signOut = () => {
    endSession().finally(() => { forgetOrganisations(); setExpired(false); setUser(null); window.location.hash = ''; });
  };
  const again = (u) => {
    if (u.id !== user.id) { forgetOrganisations(); setUser(u); }
    setExpired(false);
  };
  return html`<${Shell} user=${user} onSignOut=${signOut} />
    ${expired ? html`<div class="overlay"><${SignIn} notice="signin.expired" onSignedIn=${again} /></div>` : null}`;
}

await loadMessages();
render(html`<${App} />`, document.getElementById('app'));
