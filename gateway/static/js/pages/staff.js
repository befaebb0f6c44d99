// Staff accounts (admin): who may sign in, with which roles, bound to which union; API keys (keys.js).
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { dateTime } from '../format.js';
import { label, t } from '../i18n.js';
import { Badge, Empty, Field, FormError, Pager, html, useAsync, useForm, usePager } from '../ui.js';
import { requiredProblem } from '../validate.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { OrgSelect } from '../widgets.js';
import { ListState, items } from './common.js';
import { ApiKeys } from './keys.js';

const ROLES = ['admin', 'membership_clerk', 'welfare_officer', 'training_officer', 'rights_officer', 'union_chair', 'auditor', 'pii'];

function AccountForm({ onDone }) {
  const form = useForm({ username: '', display_name: '', password: '', roles: [], organisation_id: '' }, {
    username: (v) => (/^[a-zA-Z0-9_.-]{3,64}$/.test(String(v || '')) ? null : ['v.username']),
    display_name: requiredProblem,
    password: (v) => (String(v || '').length >= 10 ? null : ['v.password']),
    roles: (v) => (v && v.length ? null : ['v.required']),
    organisation_id: (v, all) => (all && all.roles.includes('union_chair') && !v ? ['v.chair_needs_union'] : null),
  });
  const toggle = (role) => form.set('roles', form.values.roles.includes(role) ? form.values.roles.filter((r) => r !== role) : [...form.values.roles, role]);
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      const body = { username: v.username.trim(), display_name: v.display_name.trim(), password: v.password, roles: v.roles };
      if (v.organisation_id) body.organisation_id = v.organisation_id;
      await post('/users', body);
      form.setValues({ username: '', display_name: '', password: '', roles: [], organisation_id: '' });
      onDone();
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="account-form"><h3>${t('staff.new')}</h3>
    <${FormError} form=${form} shown=${['username', 'display_name', 'password', 'roles', 'organisation_id']} />
    <${Field} label=${t('field.username')} name="username" errors=${form.errors}><input ...${form.bind('username')} autocomplete="off" /><//>
    <${Field} label=${t('field.display_name')} name="display_name" errors=${form.errors}><input ...${form.bind('display_name')} /><//>
    <${Field} label=${t('field.password')} name="password" errors=${form.errors} hint=${t('staff.password_hint')}><input type="password" ...${form.bind('password')} autocomplete="new-password" /><//>
    <${Field} label=${t('field.organisation_id')} name="organisation_id" errors=${form.errors} hint=${t('staff.union_hint')}>
      <${OrgSelect} value=${form.values.organisation_id} blank=${t('staff.whole_federation')} onChange=${(v) => form.set('organisation_id', v)} /><//>
    <div class=${`field wide${form.errors.roles ? ' invalid' : ''}`} data-field="roles"><span class="label">${t('field.roles')}</span>
      <div class="checklist">${ROLES.map((role) => html`<label class="inline"><input type="checkbox" name="roles" value=${role} checked=${form.values.roles.includes(role)} onChange=${() => toggle(role)} />${label('role', role)}</label> `)}</div>
      ${(form.errors.roles || []).map((m) => html`<span class="field-error" role="alert">${m}</span>`)}</div>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>`;
}

export function StaffPage() {
  const [version, setVersion] = useState(0);
  const users = useAsync(() => get('/users', { limit: 200 }), [version]);
  const tree = useOrganisations();
  const act = useForm({}, {});
  const toggle = (u) => act.submit(async () => { await post(`/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, {}); setVersion(version + 1); });
  return html`<section><h2>${t('nav.staff')}</h2>
    <${AccountForm} onDone=${() => setVersion(version + 1)} />
    <${FormError} form=${act} />
    <${ListState} state=${users}>${(data) => (items(data).length ? html`<table class="list" data-testid="accounts">
      <thead><tr><th>${t('field.username')}</th><th>${t('field.display_name')}</th><th>${t('field.roles')}</th><th>${t('field.organisation_id')}</th><th>${t('staff.created_at')}</th><th></th></tr></thead>
      <tbody>${items(data).map((u) => html`<tr><td class="mono">${u.username}</td><td>${u.display_name}</td>
        <td>${(u.roles || []).map((r) => label('role', r)).join('、')}</td><td>${u.organisation_id ? organisationName(tree, u.organisation_id) : '—'}</td>
        <td>${dateTime(u.created_at)} ${u.disabled ? html`<${Badge} kind="left">${t('staff.disabled')}<//>` : null}</td>
        <td>${u.username !== 'admin' ? html`<button type="button" class="secondary small" onClick=${() => toggle(u)}>${t(u.disabled ? 'staff.enable' : 'staff.disable')}</button>` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
    <${ApiKeys} />
  </section>`;
}

/** The audit trail: who did what, when, with which outcome (admins and auditors). */
export function AuditPage({ query }) {
  const [actor, setActor] = useState(query.get('actor') || '');
  const [since, setSince] = useState(query.get('since') || '');
  const [applied, setApplied] = useState({ actor, since });
  const pager = usePager(JSON.stringify(applied));
  const entries = useAsync(() => get('/audit', { ...applied, limit: 50, cursor: pager.cursor }), [JSON.stringify(applied), pager.cursor]);
  return html`<section><h2>${t('nav.audit')}</h2>
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); setApplied({ actor: actor.trim(), since: since.trim() }); }}>
      <${Field} label=${t('audit.actor')} name="actor"><input name="actor" value=${actor} onInput=${(e) => setActor(e.currentTarget.value)} /><//>
      <${Field} label=${t('audit.since')} name="since"><input name="since" value=${since} placeholder="YYYY-MM-DD" onInput=${(e) => setSince(e.currentTarget.value)} /><//>
      <button type="submit">${t('common.search')}</button>
    </form>
    <${ListState} state=${entries}>${(data) => (items(data).length ? html`<table class="list" data-testid="audit">
      <thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('audit.operation')}</th><th>${t('audit.object')}</th><th>${t('audit.outcome')}</th><th>${t('error.request_id')}</th></tr></thead>
      <tbody>${items(data).map((a) => html`<tr><td>${dateTime(a.at)}</td><td>${a.actor}</td><td class="mono small">${a.method} ${a.route}</td>
        <td>${a.object_id || '—'}</td><td><${Badge} kind=${a.outcome === 'done' ? 'paid' : 'rejected'}>${label('audit_outcome', a.outcome)}<//></td><td class="mono small">${a.request_id}</td></tr>`)}</tbody></table>
      <${Pager} pager=${pager} nextCursor=${data.next_cursor} />` : html`<${Empty} />`)}<//>
  </section>`;
}
