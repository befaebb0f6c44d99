// Safety work (training): trainings and drills held by a union, with their attendance, and members'
// "hazard snapshots" that a training officer accepts or rejects.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { day, number, today } from '../format.js';
import { label, t } from '../i18n.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { can } from '../roles.js';
import { Badge, EnumSelect, Empty, Field, FormError, html, useAsync, useForm } from '../ui.js';
import { countProblem, dateProblem, requiredProblem } from '../validate.js';
import { MemberPicker, OrgSelect } from '../widgets.js';
import { FilterLink, ListState, items } from './common.js';
import { YearPicker } from './dashboard.js';

const KINDS = ['training', 'drill'];
const HAZARD_STATUSES = ['submitted', 'accepted', 'rejected'];

function SessionForm({ onDone }) {
  const blank = { kind: 'training', title: '', held_on: today(), organisation_id: '', attendees: '' };
  const form = useForm(blank, { held_on: dateProblem, organisation_id: requiredProblem, attendees: countProblem });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      await post('/safety-sessions', { kind: v.kind, title: v.title.trim() || null, held_on: v.held_on,
        organisation_id: v.organisation_id, attendees: Number(v.attendees) });
      form.setValues(blank); onDone();
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="safety-form"><h3>${t('safety.new')}</h3>
    <${FormError} form=${form} shown=${['kind', 'title', 'held_on', 'organisation_id', 'attendees']} />
    <${Field} label=${t('field.kind')} name="kind" errors=${form.errors}><${EnumSelect} group="safety_kind" values=${KINDS} ...${form.bind('kind')} onChange=${(e) => form.set('kind', e.currentTarget.value)} /><//>
    <${Field} label=${t('field.title')} name="title" errors=${form.errors}><input ...${form.bind('title')} /><//>
    <${Field} label=${t('field.held_on')} name="held_on" errors=${form.errors}><input ...${form.bind('held_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
    <${Field} label=${t('safety.host')} name="organisation_id" errors=${form.errors}><${OrgSelect} value=${form.values.organisation_id} onChange=${(v) => form.set('organisation_id', v)} /><//>
    <${Field} label=${t('safety.attendees')} name="attendees" errors=${form.errors}><input ...${form.bind('attendees')} inputmode="numeric" /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>`;
}

function Sessions({ user }) {
  const [year, setYear] = useState(new Date().getFullYear());
  const [version, setVersion] = useState(0);
  const list = useAsync(() => get('/safety-sessions', { year, limit: 500 }), [year, version]);
  const tree = useOrganisations();
  const rows = items(list.data);
  const total = (kind) => rows.filter((r) => r.kind === kind);
  return html`<div>
    <div class="title-row"><p class="muted" data-testid="safety-totals">${KINDS.map((kind) => t('safety.total', {
      kind: label('safety_kind', kind), n: number(total(kind).length), people: number(total(kind).reduce((sum, r) => sum + r.attendees, 0)) })).join('；')}</p>
      <${YearPicker} year=${year} onChange=${setYear} /></div>
    ${can(user, 'training.write') ? html`<${SessionForm} onDone=${() => setVersion(version + 1)} />` : null}
    <${ListState} state=${list}>${() => (rows.length ? html`<table class="list" data-testid="safety-sessions">
      <thead><tr><th>${t('field.kind')}</th><th>${t('field.title')}</th><th>${t('field.held_on')}</th><th>${t('safety.host')}</th><th class="num">${t('safety.attendees')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>${label('safety_kind', r.kind)}</td><td>${r.title || '—'}</td><td>${day(r.held_on)}</td>
        <td>${organisationName(tree, r.organisation_id)}</td><td class="num">${number(r.attendees)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

function Hazards({ user, query }) {
  const status = query.get('status') || 'submitted';
  const list = useAsync(() => get('/hazard-snapshots', { status, limit: 200 }), [status]);
  const [reporting, setReporting] = useState(false);
  const blank = { member_id: '', found_on: today(), location: '', description: '' };
  const form = useForm(blank, { member_id: requiredProblem, found_on: dateProblem, location: requiredProblem,
    description: requiredProblem });
  const review = useForm({}, {});
  const report = (e) => {
    e.preventDefault();
    form.submit(async (v) => { await post('/hazard-snapshots', v); setReporting(false); form.setValues(blank); list.reload(); });
  };
  const decide = (h, decision) => {
    const note = window.prompt(t('safety.review_note'));
    if (note === null) return;
    review.submit(async () => { await post(`/hazard-snapshots/${h.id}/${decision}`, { note: note.trim() || null }); list.reload(); });
  };
  return html`<div>
    <div class="title-row"><div class="buttons">${HAZARD_STATUSES.map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/training/safety?status=${s}`}>${label('hazard_status', s)}<//>`)}</div>
      ${can(user, 'training.nominate') ? html`<button type="button" onClick=${() => setReporting(!reporting)}>${t('safety.report')}</button>` : null}</div>
    ${reporting ? html`<form class="card form-grid" onSubmit=${report} novalidate data-testid="hazard-form"><h3>${t('safety.report')}</h3>
      <${FormError} form=${form} shown=${['member_id', 'found_on', 'location', 'description']} />
      <${Field} label=${t('safety.reported_by')} name="member_id" errors=${form.errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
      <${Field} label=${t('safety.found_on')} name="found_on" errors=${form.errors}><input ...${form.bind('found_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
      <${Field} label=${t('safety.location')} name="location" errors=${form.errors}><input ...${form.bind('location')} /><//>
      <${Field} label=${t('safety.description')} name="description" errors=${form.errors} wide=${true}><textarea ...${form.bind('description')} rows="3" /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>` : null}
    <${FormError} form=${review} />
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="hazards">
      <thead><tr><th>${t('safety.reported_by')}</th><th>${t('safety.found_on')}</th><th>${t('safety.location')}</th><th>${t('safety.description')}</th><th>${t('field.status')}</th><th></th></tr></thead>
      <tbody>${items(data).map((h) => html`<tr data-hazard=${h.id}><td><a href=${`#/members/${h.member_id}`}>${h.member_name || `#${h.member_id}`}</a></td><td>${day(h.found_on)}</td>
        <td>${h.location}</td><td>${h.description}</td>
        <td><${Badge} kind=${h.status}>${label('hazard_status', h.status)}<//>${h.review_note ? html`<div class="small muted">${h.review_note}</div>` : null}</td>
        <td>${can(user, 'training.write') && h.status === 'submitted' ? html`<div class="buttons">
          <button type="button" class="small" onClick=${() => decide(h, 'accept')}>${t('safety.accept')}</button>
          <button type="button" class="secondary small" onClick=${() => decide(h, 'reject')}>${t('common.reject')}</button></div>` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

export function SafetyWork({ user, query }) {
  return html`<div><${Sessions} user=${user} /><h3 class="section-gap">${t('safety.hazards')}</h3><${Hazards} user=${user} query=${query} /></div>`;
}
