// Welfare's smaller payouts: education-upgrade subsidies (apply -> approve/reject -> pay, from the subsidies
// fund), condolence visits (recorded with their amount, paid from the condolence fund at once) and the
// dues refunds to micro and small employers' unions (once per union and year, from the dues-refund fund).
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { day, fenToYuanInput, parseYuan, today, yuan } from '../format.js';
import { label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Badge, Empty, Field, FormError, html, useAsync, useForm } from '../ui.js';
import { amountProblem, dateProblem, requiredProblem, withFenErrors } from '../validate.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { MemberPicker, OrgSelect } from '../widgets.js';
import { FilterLink, ListState, items } from './common.js';
import { YearPicker } from './dashboard.js';
import { useCovers } from './covers.js';

const SUBSIDY_STATUSES = ['applied', 'approved', 'rejected', 'paid'];

function memberLink(covers, memberId) {
  const cover = covers[String(memberId)];
  return html`<a href=${`#/members/${memberId}`}>${cover ? cover.name : `#${memberId}`}</a>`;
}

function SubsidyActions({ subsidy, onDone }) {
  const [approving, setApproving] = useState(false);
  const form = useForm({ amount: fenToYuanInput(subsidy.amount_requested_fen) }, approving ? { amount: amountProblem } : {});
  const act = (action, body) => form.submit(async () => { await post(`/subsidies/${subsidy.id}/${action}`, body); setApproving(false); onDone(); });
  const reject = () => {
    const reason = window.prompt(t('subsidy.reject_reason'));
    if (reason) act('reject', { reason });
  };
  if (subsidy.status === 'approved') {
    return html`<div><button type="button" class="small" data-action="pay" disabled=${form.busy} onClick=${() => act('pay', {})}>${t('claim.pay')}</button><${FormError} form=${form} /></div>`;
  }
  if (subsidy.status !== 'applied') return null;
  if (approving) {
    return html`<form onSubmit=${(e) => { e.preventDefault(); act('approve', { amount_approved_fen: parseYuan(form.values.amount) }); }} novalidate>
      <${Field} label=${t('field.amount_approved')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_approved_fen')}><input ...${form.bind('amount')} inputmode="decimal" /><//>
      <${FormError} form=${form} shown=${['amount', 'amount_approved_fen']} />
      <div class="buttons"><button type="submit" class="small" data-action="confirm-approve" disabled=${form.busy}>${t('common.approve')}</button>
        <button type="button" class="secondary small" onClick=${() => setApproving(false)}>${t('common.cancel')}</button></div></form>`;
  }
  return html`<div class="buttons"><button type="button" class="small" data-action="approve" onClick=${() => setApproving(true)}>${t('common.approve')}</button>
    <button type="button" class="secondary small" data-action="reject" onClick=${reject}>${t('common.reject')}</button><${FormError} form=${form} /></div>`;
}

export function Subsidies({ user, query }) {
  const status = query.get('status') || 'applied';
  const list = useAsync(() => get('/subsidies', { status, limit: 100 }), [status]);
  const covers = useCovers(items(list.data).map((s) => String(s.member_id)));
  const [applying, setApplying] = useState(false);
  const blank = { member_id: '', programme: '', institution: '', amount: '' };
  const form = useForm(blank, { member_id: requiredProblem, programme: requiredProblem, amount: amountProblem });
  const apply = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      await post('/subsidies', { member_id: v.member_id, programme: v.programme, institution: v.institution || null,
        amount_requested_fen: parseYuan(v.amount) });
      setApplying(false); form.setValues(blank); list.reload();
    });
  };
  return html`<div>
    <div class="title-row"><div class="buttons">${SUBSIDY_STATUSES.map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/welfare/subsidies?status=${s}`}>${label('subsidy_status', s)}<//>`)}</div>
      ${can(user, 'welfare.file') ? html`<button type="button" onClick=${() => setApplying(!applying)}>${t('subsidy.apply')}</button>` : null}</div>
    ${applying ? html`<form class="card form-grid" onSubmit=${apply} novalidate data-testid="subsidy-form"><h3>${t('subsidy.apply')}</h3>
      <${FormError} form=${form} shown=${['member_id', 'programme', 'institution', 'amount', 'amount_requested_fen']} />
      <${Field} label=${t('field.member_id')} name="member_id" errors=${form.errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
      <${Field} label=${t('field.programme')} name="programme" errors=${form.errors}><input ...${form.bind('programme')} /><//>
      <${Field} label=${t('field.institution')} name="institution" errors=${form.errors}><input ...${form.bind('institution')} /><//>
      <${Field} label=${t('field.amount_requested')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_requested_fen')}><input ...${form.bind('amount')} inputmode="decimal" /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>` : null}
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="subsidies">
      <thead><tr><th>${t('field.member_id')}</th><th>${t('field.programme')}</th><th>${t('field.institution')}</th>
        <th class="num">${t('field.amount_requested')}</th><th class="num">${t('field.amount_approved')}</th><th>${t('field.status')}</th><th></th></tr></thead>
      <tbody>${items(data).map((s) => html`<tr data-subsidy=${s.id}><td>${memberLink(covers, s.member_id)}</td><td>${s.programme}</td><td>${s.institution || '—'}</td>
        <td class="num">${yuan(s.amount_requested_fen)}</td><td class="num">${s.amount_approved_fen ? yuan(s.amount_approved_fen) : '—'}</td>
        <td><${Badge} kind=${s.status}>${label('subsidy_status', s.status)}<//>${s.reason ? html`<div class="small muted">${s.reason}</div>` : null}</td>
        <td>${can(user, 'welfare.write') ? html`<${SubsidyActions} key=${`${s.id}-${s.status}`} subsidy=${s} onDone=${list.reload} />` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

export function Visits({ user }) {
  const list = useAsync(() => get('/condolence-visits', { limit: 100 }), []);
  const covers = useCovers(items(list.data).map((v) => String(v.member_id)));
  const [recording, setRecording] = useState(false);
  const blank = { member_id: '', visited_on: today(), visited_by: '', occasion: '', amount: '' };
  const form = useForm(blank, { member_id: requiredProblem, visited_on: dateProblem, visited_by: requiredProblem,
    occasion: requiredProblem, amount: amountProblem });
  const record = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      await post('/condolence-visits', { member_id: v.member_id, visited_on: v.visited_on, visited_by: v.visited_by,
        occasion: v.occasion, amount_fen: parseYuan(v.amount) });
      setRecording(false); form.setValues(blank); list.reload();
    });
  };
  return html`<div>
    <div class="title-row"><p class="muted">${t('visit.explain')}</p>
      ${can(user, 'welfare.write') ? html`<button type="button" onClick=${() => setRecording(!recording)}>${t('visit.record')}</button>` : null}</div>
    ${recording ? html`<form class="card form-grid" onSubmit=${record} novalidate data-testid="visit-form"><h3>${t('visit.record')}</h3>
      <${FormError} form=${form} shown=${['member_id', 'visited_on', 'visited_by', 'occasion', 'amount', 'amount_fen']} />
      <${Field} label=${t('field.member_id')} name="member_id" errors=${form.errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
      <${Field} label=${t('field.visited_on')} name="visited_on" errors=${form.errors}><input ...${form.bind('visited_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
      <${Field} label=${t('field.visited_by')} name="visited_by" errors=${form.errors}><input ...${form.bind('visited_by')} /><//>
      <${Field} label=${t('field.occasion')} name="occasion" errors=${form.errors}><input ...${form.bind('occasion')} /><//>
      <${Field} label=${t('field.amount_yuan')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_fen')}><input ...${form.bind('amount')} inputmode="decimal" /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>` : null}
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="visits">
      <thead><tr><th>${t('field.member_id')}</th><th>${t('field.visited_on')}</th><th>${t('field.visited_by')}</th><th>${t('field.occasion')}</th><th class="num">${t('field.amount_yuan')}</th></tr></thead>
      <tbody>${items(data).map((v) => html`<tr><td>${memberLink(covers, v.member_id)}</td><td>${day(v.visited_on)}</td><td>${v.visited_by}</td><td>${v.occasion}</td><td class="num">${yuan(v.amount_fen)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

export function DuesRefunds({ user }) {
  const [year, setYear] = useState(new Date().getFullYear());
  const list = useAsync(() => get('/dues-refunds', { year, limit: 500 }), [year]);
  const tree = useOrganisations();
  const blank = { organisation_id: '', amount: '' };
  const form = useForm(blank, { organisation_id: requiredProblem, amount: amountProblem });
  const refund = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      await post('/dues-refunds', { organisation_id: v.organisation_id, year, amount_fen: parseYuan(v.amount) });
      form.setValues(blank); list.reload();
    });
  };
  const rows = items(list.data);
  return html`<div>
    <div class="title-row"><p class="muted">${t('refund.explain')}</p><${YearPicker} year=${year} onChange=${setYear} /></div>
    ${can(user, 'welfare.write') ? html`<form class="card form-grid" onSubmit=${refund} novalidate data-testid="refund-form"><h3>${t('refund.new', { year })}</h3>
      <${FormError} form=${form} shown=${['organisation_id', 'amount', 'amount_fen']} />
      <${Field} label=${t('field.organisation_id')} name="organisation_id" errors=${form.errors}><${OrgSelect} value=${form.values.organisation_id} kinds=${['grassroots']} onChange=${(v) => form.set('organisation_id', v)} /><//>
      <${Field} label=${t('field.amount_yuan')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_fen')}><input ...${form.bind('amount')} inputmode="decimal" /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('refund.pay')}</button></div></form>` : null}
    <${ListState} state=${list}>${() => (rows.length ? html`<table class="list" data-testid="refunds">
      <thead><tr><th>${t('field.organisation_id')}</th><th>${t('field.year')}</th><th class="num">${t('field.amount_yuan')}</th><th>${t('refund.paid_on')}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>${organisationName(tree, r.organisation_id)}</td><td>${r.year}</td><td class="num">${yuan(r.amount_fen)}</td><td>${day(r.created_at)}</td></tr>`)}
        <tr class="total"><td>${t('refund.total', { n: rows.length })}</td><td></td><td class="num">${yuan(rows.reduce((sum, r) => sum + r.amount_fen, 0))}</td><td></td></tr></tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}
