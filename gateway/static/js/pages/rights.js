// Rights: the hotline queue by due time (overdue marked), dispute cases by stage, collective contracts (register,
// file with the labour authority, review, renew; expiring soon) and legal-education events.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { dateTime, day, number, parseYuan, today, yuan } from '../format.js';
import { label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Badge, Empty, Field, FormError, Tabs, go, html, useAsync, useForm } from '../ui.js';
import { amountProblem, countProblem, dateProblem, requiredProblem } from '../validate.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { OrgSelect } from '../widgets.js';
import { FilterLink, ListState, items } from './common.js';
import { YearPicker } from './dashboard.js';

const CASE_KINDS = ['wage_arrears', 'dismissal', 'work_injury', 'social_insurance', 'contract', 'other'];
const CASE_STATUSES = ['filed', 'assigned', 'mediation', 'arbitration', 'litigation', 'closed'];
const OUTCOMES = ['won', 'partly_won', 'settled', 'lost', 'withdrawn'];
const HOTLINE_CATEGORIES = ['wage_arrears', 'labour_contract', 'social_insurance', 'work_injury', 'dismissal', 'working_hours', 'consultation', 'other'];
const ORDER_ACTIONS = { received: ['assign', 'escalate'], assigned: ['resolve', 'escalate'], resolved: ['visit', 'close'], visited: ['close'] };
const CONTRACT_KINDS = ['comprehensive', 'wages', 'female_workers', 'safety'];

// What each action asks for: [field, kind, required, options, label key (else rights.field.<field>),
// options' label group (else rights.<field>)]. Kinds: text, textarea, select, checkbox, yuan, date (today
// to start with), count (a whole number), org (a union).
const ACTION_FIELDS = {
  // intake: a caller on the hotline, a worker asking for legal aid
  'order.new': [['caller_name', 'text', true], ['phone', 'text', true], ['category', 'select', true, HOTLINE_CATEGORIES],
    ['wage_amount_fen', 'yuan', false, null, 'rights.field.wages_involved'], ['description', 'textarea', true]],
  'case.new': [['claimant_name', 'text', true], ['claimant_phone', 'text', false], ['employer_name', 'text', true],
    ['kind', 'select', true, CASE_KINDS], ['amount_claimed_fen', 'yuan', true], ['description', 'textarea', false]],
  'order.assign': [['handler_name', 'text', true]],
  'order.resolve': [['resolution', 'text', true], ['wage_amount_fen', 'yuan', false]],
  'order.visit': [['satisfaction', 'select', true, ['5', '4', '3', '2', '1']], ['note', 'text', false]],
  'order.close': [['note', 'text', false]],
  'order.escalate': [['kind', 'select', true, CASE_KINDS], ['employer_name', 'text', true], ['amount_claimed_fen', 'yuan', false]],
  'case.assign': [['lawyer_name', 'text', true], ['legal_aid', 'checkbox', false]],
  'case.mediate': [['note', 'text', false]],
  'case.arbitrate': [['note', 'text', false]],
  'case.litigate': [['note', 'text', false]],
  'case.close': [['outcome', 'select', true, OUTCOMES], ['amount_recovered_fen', 'yuan', false], ['refer_hardship', 'checkbox', false]],
  'contract.new': [['organisation_id', 'org', true, null, 'contract.enterprise'], ['kind', 'select', true, CONTRACT_KINDS, 'contract.kind', 'contract_kind'],
    ['signed_on', 'date', true, null, 'contract.signed_on'], ['expires_on', 'date', true, null, 'contract.expires_on'],
    ['workers_covered', 'count', true, null, 'contract.workers'], ['negotiation_rounds', 'count', false, null, 'contract.rounds']],
  'contract.filing': [['submitted_on', 'date', true, null, 'contract.submitted_on'], ['late_reason', 'text', false, null, 'contract.late_reason']],
  'contract.review': [['reviewed_on', 'date', true, null, 'contract.reviewed_on'], ['decision', 'select', true, ['accepted', 'objected'], 'contract.decision', 'filing_status'],
    ['note', 'text', false]],
  'contract.renew': [['signed_on', 'date', true, null, 'contract.signed_on'], ['expires_on', 'date', true, null, 'contract.expires_on'],
    ['workers_covered', 'count', true, null, 'contract.workers']],
  'negotiation.new': [['organisation_id', 'org', true, null, 'contract.enterprise'], ['kind', 'select', true, CONTRACT_KINDS, 'contract.kind', 'contract_kind'],
    ['started_on', 'date', true, null, 'negotiation.started_on']],
  'negotiation.rounds': [['held_on', 'date', true, null, 'negotiation.held_on'], ['note', 'text', false]],
  'negotiation.congress-vote': [['held_on', 'date', true, null, 'negotiation.held_on'], ['delegates', 'count', true, null, 'negotiation.delegates'],
    ['present', 'count', true, null, 'negotiation.present'], ['votes_for', 'count', true, null, 'negotiation.votes_for']],
  'negotiation.sign': [['signed_on', 'date', true, null, 'contract.signed_on'], ['expires_on', 'date', true, null, 'contract.expires_on'],
    ['workers_covered', 'count', true, null, 'contract.workers']],
  'event.new': [['held_on', 'date', true, null, 'legal.held_on'], ['kind', 'select', true, ['offline', 'online'], 'legal.kind', 'legal_kind'],
    ['title', 'text', false, null, 'legal.title'], ['organisation_id', 'org', false, null, 'legal.organiser'],
    ['attendees', 'count', true, null, 'legal.attendees'], ['brochures', 'count', true, null, 'legal.brochures']],
};


/** The small form an action needs; sends only what was filled in. */
function ActionForm({ spec, url, onDone, onCancel }) {
  const fields = ACTION_FIELDS[spec] || [];
  const initial = Object.fromEntries(fields.map(([name, kind, , options]) => [name,
    kind === 'select' ? options[0] : kind === 'checkbox' ? false : kind === 'date' ? today() : '']));
  const checks = Object.fromEntries(fields.map(([name, kind, required]) => [name, (v) => {
    if (v === '' && !required) return null;
    if (kind === 'yuan') return amountProblem(v);
    if (kind === 'date') return dateProblem(v);
    if (kind === 'count') return countProblem(v);
    return required ? requiredProblem(v) : null;
  }]));
  const form = useForm(initial, checks);
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (values) => {
      const body = {};
      for (const [name, kind] of fields) {
        const v = values[name];
        if (kind === 'yuan') { if (v !== '') body[name] = parseYuan(v); } else if (kind === 'checkbox') { if (v) body[name] = true; } else if (kind === 'select' && name === 'satisfaction') body[name] = Number(v);
        else if (kind === 'count') { if (v !== '') body[name] = Number(v); } else if (v !== '') body[name] = v;
      }
      await post(url, body);
      onDone();
    });
  };
  return html`<form class="action-form" onSubmit=${submit} novalidate data-testid="action-form">
    <${FormError} form=${form} shown=${fields.map(([name]) => name)} />
    ${fields.map(([name, kind, , options, labelKey, group]) => html`<${Field} label=${t(labelKey || `rights.field.${name}`)} name=${name} errors=${form.errors}>
      ${kind === 'select' ? html`<select ...${form.bind(name)} onChange=${(e) => form.set(name, e.currentTarget.value)}>${options.map((o) => html`<option value=${o}>${label(group || `rights.${name}`, o)}</option>`)}</select>`
        : kind === 'checkbox' ? html`<input type="checkbox" name=${name} checked=${form.values[name]} onChange=${(e) => form.set(name, e.currentTarget.checked)} />`
          : kind === 'textarea' ? html`<textarea ...${form.bind(name)} rows="3" />`
          : kind === 'org' ? html`<${OrgSelect} name=${name} value=${form.values[name]} onChange=${(v) => form.set(name, v)} />`
          : html`<input ...${form.bind(name)} class=${kind === 'date' ? 'date' : undefined} maxlength=${kind === 'date' ? 10 : undefined}
              inputmode=${kind === 'yuan' ? 'decimal' : kind === 'count' || kind === 'date' ? 'numeric' : undefined} />`}<//>`)}
    <div class="buttons"><button type="submit" class="small" disabled=${form.busy}>${t('common.confirm')}</button>
      <button type="button" class="secondary small" onClick=${onCancel}>${t('common.cancel')}</button></div>
  </form>`;
}

function Actions({ kind, row, actions, base, onDone }) {
  const [open, setOpen] = useState(null);
  if (open) return html`<${ActionForm} spec=${`${kind}.${open}`} url=${`${base}/${row.id}/${open}`} onCancel=${() => setOpen(null)} onDone=${() => { setOpen(null); onDone(); }} />`;
  return html`<div class="buttons">${actions.map((a) => html`<button type="button" class="secondary small" data-action=${a} onClick=${() => setOpen(a)}>${label(`${kind}_action`, a)}</button>`)}</div>`;
}

/** A button that opens the intake form for a new order or case; the list reloads when it is saved. */
function Intake({ spec, url, title, onDone }) {
  const [open, setOpen] = useState(false);
  if (!open) return html`<button type="button" data-testid=${`${spec}-open`} onClick=${() => setOpen(true)}>${title}</button>`;
  return html`<div class="card intake" data-testid=${spec}><h3>${title}</h3>
    <${ActionForm} spec=${spec} url=${url} onCancel=${() => setOpen(false)} onDone=${() => { setOpen(false); onDone(); }} /></div>`;
}

function Hotline({ user, query }) {
  const overdueOnly = query.get('overdue') === 'true';
  const list = useAsync(() => get('/hotline-orders', { limit: 200, overdue: overdueOnly ? 'true' : undefined }), [overdueOnly]);
  return html`<div>
    <div class="buttons"><${FilterLink} chosen=${!overdueOnly} status="all" href="#/rights/hotline">${t('common.all')}<//>
      <${FilterLink} chosen=${overdueOnly} status="overdue" href="#/rights/hotline?overdue=true">${t('hotline.overdue')}<//>
      ${can(user, 'rights.write') ? html`<${Intake} spec="order.new" url="/hotline-orders" title=${t('hotline.new')} onDone=${list.reload} />` : null}</div>
    <${ListState} state=${list}>${(data) => {
      const orders = [...items(data)].sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      return orders.length ? html`<table class="list" data-testid="hotline">
        <thead><tr><th>${t('hotline.due')}</th><th>${t('hotline.caller')}</th><th>${t('hotline.category')}</th><th class="num">${t('hotline.wage')}</th><th>${t('field.status')}</th><th></th></tr></thead>
        <tbody>${orders.map((o) => html`<tr class=${o.overdue ? 'overdue' : ''}>
            <td>${dateTime(o.due_at)} ${o.overdue ? html`<span class="overdue-mark">${t('hotline.overdue')}</span>` : null}</td>
            <td>${o.caller_name}<div class="small muted mono">${o.phone}</div></td><td>${label('hotline_category', o.category)}</td><td class="num">${yuan(o.wage_amount_fen)}</td>
            <td><${Badge} kind=${o.status}>${label('order_status', o.status)}<//>${o.handler_name ? html`<div class="small muted">${o.handler_name}</div>` : null}</td>
            <td>${can(user, 'rights.write') ? html`<${Actions} kind="order" row=${o} actions=${ORDER_ACTIONS[o.status] || []} base="/hotline-orders" onDone=${list.reload} />` : null}</td></tr>`)}
        </tbody></table>` : html`<${Empty} />`;
    }}<//></div>`;
}

function Cases({ user, query }) {
  const status = query.get('status') || '';
  const list = useAsync(() => get('/dispute-cases', { limit: 200, status }), [status]);
  return html`<div>
    <div class="buttons">${['', ...CASE_STATUSES].map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/rights/cases${s ? `?status=${s}` : ''}`}>${s ? label('stage', s) : t('common.all')}<//>`)}
      ${can(user, 'rights.write') ? html`<${Intake} spec="case.new" url="/dispute-cases" title=${t('case.new')} onDone=${list.reload} />` : null}</div>
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="cases">
      <thead><tr><th>${t('case.claimant')}</th><th>${t('case.employer')}</th><th>${t('case.kind')}</th><th class="num">${t('case.amount')}</th><th>${t('case.stage')}</th><th>${t('case.stage_due')}</th><th></th></tr></thead>
      <tbody>${items(data).map((c) => html`<tr class=${c.overdue ? 'overdue' : ''}><td>${c.claimant_name || '—'}</td><td>${c.employer_name || '—'}</td><td>${label('case_kind', c.kind)}</td><td class="num">${yuan(c.amount_claimed_fen)}</td>
        <td><${Badge} kind=${c.status}>${label('stage', c.status)}<//>${c.outcome ? html`<div class="small muted">${label('rights.outcome', c.outcome)} ${c.amount_recovered_fen ? yuan(c.amount_recovered_fen) : ''}</div>` : null}</td>
        <td>${day(c.stage_due_on) || '—'} ${c.overdue ? html`<span class="overdue-mark">${t('hotline.overdue')}</span>` : null}</td>
        <td>${can(user, 'rights.write') ? html`<${Actions} kind="case" row=${c} actions=${c.allowed_actions || []} base="/dispute-cases" onDone=${list.reload} />` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//></div>`;
}

/** What a rights officer may do with a contract next: file it, record the authority's review, renew it. */
function contractActions(c) {
  const actions = [];
  if (c.filing && c.filing.status === 'not_submitted') actions.push('filing');
  if (c.filing && c.filing.status === 'submitted') actions.push('review');
  if (['in_force', 'expired'].includes(c.state) && !c.renewed_by_contract_id) actions.push('renew');
  return actions;
}

function Filing({ filing }) {
  if (!filing) return '—';
  return html`<${Badge} kind=${filing.status}>${label('filing_status', filing.status)}<//>
    ${filing.overdue ? html`<span class="badge overdue">${t('contract.filing_overdue')}</span>` : null}
    <div class="small muted">${filing.status === 'not_submitted' ? t('contract.file_by', { date: day(filing.due_on) })
      : filing.status === 'submitted' ? t('contract.review_by', { date: day(filing.review_due_on) }) : ''}</div>`;
}

function Contracts({ user }) {
  const [days, setDays] = useState(90);
  const list = useAsync(() => get('/collective-contracts', { ...(days ? { expiring_within_days: days } : {}), limit: 200 }), [days]);
  const writer = can(user, 'rights.write');
  return html`<div>
    <div class="buttons"><label class="inline">${t('contract.within')}<select name="within" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
      <option value="0">${t('contract.all')}</option>
      ${[30, 90, 180, 365].map((d) => html`<option value=${d}>${t('contract.days', { n: d })}</option>`)}</select></label>
      ${writer ? html`<${Intake} spec="contract.new" url="/collective-contracts" title=${t('contract.new')} onDone=${list.reload} />` : null}</div>
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="contracts">
      <thead><tr><th>${t('contract.enterprise')}</th><th>${t('contract.kind')}</th><th>${t('contract.signed_on')}</th><th>${t('contract.expires_on')}</th><th class="num">${t('contract.days_left')}</th><th class="num">${t('contract.workers')}</th><th>${t('contract.filing')}</th><th></th></tr></thead>
      <tbody>${items(data).map((c) => html`<tr data-contract=${c.id}><td>${c.organisation_name || `#${c.organisation_id}`}</td><td>${label('contract_kind', c.kind)}</td><td>${day(c.signed_on)}</td><td>${day(c.expires_on)}</td>
        <td class="num">${number(c.days_to_expiry)}</td><td class="num">${number(c.workers_covered)}</td><td><${Filing} filing=${c.filing} /></td>
        <td>${writer ? html`<${Actions} kind="contract" row=${c} actions=${contractActions(c)} base="/collective-contracts" onDone=${list.reload} />` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//></div>`;
}

const NEGOTIATION_ACTIONS = { negotiating: ['rounds', 'congress-vote'], approved: ['sign'] };

/** Collective negotiations on the way to a contract: rounds, the workers' congress vote, signing. */
function Negotiations({ user }) {
  const [status, setStatus] = useState('negotiating');
  const list = useAsync(() => get('/contract-negotiations', { status, limit: 200 }), [status]);
  const tree = useOrganisations();
  const writer = can(user, 'rights.write');
  const vote = (v) => (v ? t('negotiation.vote_summary', { present: v.present, delegates: v.delegates, votes_for: v.votes_for })
    + (v.approved ? '' : ` · ${t('negotiation.not_passed')}`) : '—');
  return html`<div>
    <div class="title-row"><div class="buttons">${['negotiating', 'approved', 'signed'].map((s) => html`<button type="button" class=${s === status ? '' : 'secondary'} onClick=${() => setStatus(s)}>${label('negotiation_status', s)}</button>`)}</div>
      ${writer ? html`<${Intake} spec="negotiation.new" url="/contract-negotiations" title=${t('negotiation.new')} onDone=${() => (status === 'negotiating' ? list.reload() : setStatus('negotiating'))} />` : null}</div>
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="negotiations">
      <thead><tr><th>${t('contract.enterprise')}</th><th>${t('contract.kind')}</th><th>${t('negotiation.started_on')}</th><th class="num">${t('negotiation.rounds')}</th><th>${t('negotiation.last_vote')}</th><th>${t('field.status')}</th><th></th></tr></thead>
      <tbody>${items(data).map((n) => html`<tr data-negotiation=${n.id}><td>${organisationName(tree, n.organisation_id)}</td><td>${label('contract_kind', n.kind)}</td><td>${day(n.started_on)}</td>
        <td class="num">${number(n.rounds)}</td><td class="small">${vote(n.last_vote)}</td><td><${Badge} kind=${n.status}>${label('negotiation_status', n.status)}<//></td>
        <td>${writer ? html`<${Actions} kind="negotiation" row=${n} actions=${NEGOTIATION_ACTIONS[n.status] || []} base="/contract-negotiations" onDone=${list.reload} />` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//></div>`;
}

function LegalEvents({ user }) {
  const [year, setYear] = useState(new Date().getFullYear());
  const list = useAsync(() => get('/legal-events', { year, limit: 500 }), [year]);
  const rows = items(list.data);
  const sum = (key) => number(rows.reduce((total, r) => total + r[key], 0));
  return html`<div>
    <div class="title-row"><p class="muted" data-testid="legal-totals">${t('legal.totals', { n: number(rows.length), people: sum('attendees'), brochures: sum('brochures') })}</p>
      <div class="buttons"><${YearPicker} year=${year} onChange=${setYear} />
        ${can(user, 'rights.write') ? html`<${Intake} spec="event.new" url="/legal-events" title=${t('legal.new')} onDone=${list.reload} />` : null}</div></div>
    <${ListState} state=${list}>${() => (rows.length ? html`<table class="list" data-testid="legal-events">
      <thead><tr><th>${t('legal.held_on')}</th><th>${t('legal.title')}</th><th>${t('legal.kind')}</th><th class="num">${t('legal.attendees')}</th><th class="num">${t('legal.brochures')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>${day(r.held_on)}</td><td>${r.title || '—'}</td><td>${label('legal_kind', r.kind)}</td><td class="num">${number(r.attendees)}</td><td class="num">${number(r.brochures)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//></div>`;
}

export function RightsPage({ user, tab, query }) {
  const current = tab || 'hotline';
  const tabs = [['hotline', t('rights.hotline')], ['cases', t('rights.cases')], ['negotiations', t('rights.negotiations')],
    ['contracts', t('rights.contracts')], ['legal', t('rights.legal')]];
  return html`<section><h2>${t('nav.rights')}</h2>
    <${Tabs} tabs=${tabs} current=${current} onChange=${(key) => go(`/rights/${key}`)} />
    ${current === 'hotline' ? html`<${Hotline} user=${user} query=${query} />` : null}
    ${current === 'cases' ? html`<${Cases} user=${user} query=${query} />` : null}
    ${current === 'negotiations' ? html`<${Negotiations} user=${user} />` : null}
    ${current === 'contracts' ? html`<${Contracts} user=${user} />` : null}
    ${current === 'legal' ? html`<${LegalEvents} user=${user} />` : null}
  </section>`;
}
