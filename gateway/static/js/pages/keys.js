// API keys for external systems (admin): made with scopes and an optional union, shown once, revocable.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { dateTime } from '../format.js';
import { t } from '../i18n.js';
import { Badge, Empty, Field, FormError, html, useAsync, useForm } from '../ui.js';
import { countProblem, requiredProblem } from '../validate.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { OrgSelect } from '../widgets.js';
import { ListState, items } from './common.js';

// The gateway's key scopes (gateway/accounts.py KEY_SCOPES; a unit test keeps the two lists equal).
export const KEY_SCOPES = ['members:read', 'members:write', 'welfare:read', 'welfare:write', 'training:read',
  'training:write', 'rights:read', 'rights:write', 'reports:read', 'pii'];

function KeyForm({ onMade }) {
  const blank = { name: '', scopes: [], organisation_id: '', rate_per_minute: '' };
  const form = useForm(blank, {
    name: requiredProblem,
    scopes: (v) => (v && v.length ? null : ['v.required']),
    rate_per_minute: (v) => (String(v ?? '').trim() ? countProblem(v) : null),
  });
  const toggle = (scope) => form.set('scopes', form.values.scopes.includes(scope)
    ? form.values.scopes.filter((s) => s !== scope) : [...form.values.scopes, scope]);
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      const body = { name: v.name.trim(), scopes: v.scopes };
      if (v.organisation_id) body.organisation_id = v.organisation_id;
      if (String(v.rate_per_minute).trim()) body.rate_per_minute = Number(v.rate_per_minute);
      onMade(await post('/api-keys', body));
      form.setValues(blank);
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="key-form"><h3>${t('keys.new')}</h3>
    <${FormError} form=${form} shown=${['name', 'scopes', 'organisation_id', 'rate_per_minute']} />
    <${Field} label=${t('keys.name')} name="name" errors=${form.errors} hint=${t('keys.name_hint')}><input ...${form.bind('name')} /><//>
    <${Field} label=${t('field.organisation_id')} name="organisation_id" errors=${form.errors} hint=${t('keys.union_hint')}>
      <${OrgSelect} value=${form.values.organisation_id} blank=${t('staff.whole_federation')} onChange=${(v) => form.set('organisation_id', v)} /><//>
    <${Field} label=${t('keys.rate')} name="rate_per_minute" errors=${form.errors} hint=${t('keys.rate_hint')}><input ...${form.bind('rate_per_minute')} inputmode="numeric" /><//>
    <div class=${`field wide${form.errors.scopes ? ' invalid' : ''}`} data-field="scopes"><span class="label">${t('keys.scopes')}</span>
      <div class="checklist">${KEY_SCOPES.map((scope) => html`<label class="inline"><input type="checkbox" name="scopes" value=${scope} checked=${form.values.scopes.includes(scope)} onChange=${() => toggle(scope)} /><span class="mono">${scope}</span></label> `)}</div>
      ${(form.errors.scopes || []).map((m) => html`<span class="field-error" role="alert">${m}</span>`)}</div>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('keys.make')}</button></div></form>`;
}

export function ApiKeys() {
  const [version, setVersion] = useState(0);
  const [made, setMade] = useState(null);
  const keys = useAsync(() => get('/api-keys', { limit: 200 }), [version]);
  const tree = useOrganisations();
  const act = useForm({}, {});
  const revoke = (k) => {
    if (!window.confirm(t('keys.revoke_confirm', { name: k.name }))) return;
    act.submit(async () => { await post(`/api-keys/${k.id}/revoke`, {}); setVersion(version + 1); });
  };
  return html`<div data-testid="api-keys" class="section-gap"><h2>${t('keys.title')}</h2>
    <${KeyForm} onMade=${(key) => { setMade(key); setVersion(version + 1); }} />
    ${made ? html`<div class="notice" role="status" data-testid="new-key"><strong>${t('keys.shown_once', { name: made.name })}</strong>
      <div class="mono">${made.key}</div></div>` : null}
    <${FormError} form=${act} />
    <${ListState} state=${keys}>${(data) => (items(data).length ? html`<table class="list" data-testid="keys">
      <thead><tr><th>${t('keys.name')}</th><th>${t('keys.prefix')}</th><th>${t('keys.scopes')}</th><th>${t('field.organisation_id')}</th><th>${t('keys.last_used')}</th><th></th></tr></thead>
      <tbody>${items(data).map((k) => html`<tr data-key=${k.id}><td>${k.name}</td><td class="mono">${k.prefix}</td><td class="mono small">${(k.scopes || []).join(' ')}</td>
        <td>${k.organisation_id ? organisationName(tree, k.organisation_id) : '—'}</td><td>${k.last_used_at ? dateTime(k.last_used_at) : '—'}</td>
        <td>${k.revoked_at ? html`<${Badge} kind="left">${t('keys.revoked')}<//>` : html`<button type="button" class="secondary small" onClick=${() => revoke(k)}>${t('keys.revoke')}</button>`}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}
