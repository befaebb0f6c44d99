// Welfare: fund balances, the claims queue (filed -> approve/reject -> pay) with the caps left,
// hardship files (review, grants with their public-notice period, objections, payment), enrolment;
// subsidies and condolence visits are in support.js.
import { useEffect, useState } from 'preact/hooks';
import { get, getAll, post } from '../api.js';
import { day, fenToYuanInput, number, parseYuan, today, yuan } from '../format.js';
import { label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Badge, Empty, EnumSelect, Field, FormError, LoadError, Pager, Tabs, go, html, useAsync, useForm, usePager } from '../ui.js';
import { amountProblem, dateProblem, requiredProblem, withFenErrors } from '../validate.js';
import { MemberPicker, OrgSelect } from '../widgets.js';
import { FilterLink, ListState, items } from './common.js';
import { useCovers } from './covers.js';
import { DuesRefunds, Subsidies, Visits } from './support.js';

const CLAIM_STATUSES = ['filed', 'approved', 'rejected', 'paid'];
const CLAIM_KINDS = ['hospitalisation', 'accident', 'critical_illness', 'maternity', 'death', 'other'];
const CASE_STATUSES = ['open', 'approved', 'rejected'];

function capsLeft(cover, claim) {
  const item = cover && (cover.covers || []).find((c) => String(c.plan_id) === String(claim.plan_id));
  if (!item) return null;
  return { kind: item.remaining ? item.remaining[claim.kind] : undefined, annual: item.remaining_annual_fen };
}

function Funds({ user }) {
  const funds = useAsync(() => get('/funds'), []);
  const [depositTo, setDepositTo] = useState(null);
  return html`<${ListState} state=${funds}>${(data) => html`
    <table class="list" data-testid="funds"><thead><tr><th>${t('fund.name')}</th><th>${t('fund.code')}</th><th class="num">${t('fund.balance')}</th><th></th></tr></thead>
      <tbody>${items(data).filter((f) => f.kind !== 'external').map((f) => html`<tr data-fund=${f.code}>
        <td>${label('fund', f.code) !== f.code ? label('fund', f.code) : f.name}</td><td class="mono">${f.code}</td>
        <td class="num">${yuan(f.balance_fen)}</td>
        <td>${can(user, 'welfare.write') ? html`<button type="button" class="secondary small" onClick=${() => setDepositTo(f.code)}>${t('fund.deposit')}</button>` : null}</td></tr>`)}</tbody></table>
    ${depositTo ? html`<${DepositForm} code=${depositTo} onDone=${() => { setDepositTo(null); funds.reload(); }} />` : null}`}<//>`;
}

function DepositForm({ code, onDone }) {
  const form = useForm({ amount: '', source: '', memo: '' }, { amount: amountProblem, source: requiredProblem });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => { await post(`/funds/${code}/deposits`, { amount_fen: parseYuan(v.amount), source: v.source, memo: v.memo }); onDone(); });
  };
  const errors = withFenErrors(form.errors, 'amount', 'amount_fen');
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="deposit-form"><h3>${t('fund.deposit')} · ${label('fund', code)}</h3>
    <${FormError} form=${form} shown=${['amount', 'amount_fen', 'source', 'memo']} />
    <${Field} label=${t('field.amount_yuan')} name="amount" errors=${errors}><input ...${form.bind('amount')} inputmode="decimal" /><//>
    <${Field} label=${t('field.source')} name="source" errors=${form.errors}><input ...${form.bind('source')} /><//>
    <${Field} label=${t('field.memo')} name="memo" errors=${form.errors}><input ...${form.bind('memo')} /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>`;
}

function ClaimActions({ claim, left, onDone }) {
  const [mode, setMode] = useState(null);
  const limits = [claim.amount_claimed_fen, left && left.kind, left && left.annual].filter((v) => v !== undefined && v !== null);
  const form = useForm({ amount: fenToYuanInput(Math.min(...limits)), reason: '' },
    mode === 'approve' ? { amount: amountProblem } : mode === 'reject' ? { reason: requiredProblem } : {});
  const act = (action, body) => form.submit(async () => { await post(`/mutual-aid/claims/${claim.id}/${action}`, body); setMode(null); onDone(); });
  if (claim.status === 'approved') {
    return html`<div><button type="button" data-action="pay" disabled=${form.busy} onClick=${() => act('pay', {})}>${t('claim.pay')}</button><${FormError} form=${form} /></div>`;
  }
  if (claim.status !== 'filed') return null;
  return html`<div class="claim-actions">
    ${!mode ? html`<div class="buttons"><button type="button" data-action="approve" onClick=${() => setMode('approve')}>${t('claim.approve')}</button>
      <button type="button" class="secondary" data-action="reject" onClick=${() => setMode('reject')}>${t('claim.reject')}</button></div>` : null}
    ${mode === 'approve' ? html`<form onSubmit=${(e) => { e.preventDefault(); act('approve', { amount_approved_fen: parseYuan(form.values.amount) }); }} novalidate>
      <${Field} label=${t('field.amount_approved')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_approved_fen')}><input ...${form.bind('amount')} inputmode="decimal" /><//>
      <${FormError} form=${form} shown=${['amount', 'amount_approved_fen']} />
      <div class="buttons"><button type="submit" data-action="confirm-approve" disabled=${form.busy}>${t('claim.approve')}</button>
        <button type="button" class="secondary" onClick=${() => setMode(null)}>${t('common.cancel')}</button></div></form>` : null}
    ${mode === 'reject' ? html`<form onSubmit=${(e) => { e.preventDefault(); act('reject', { reason: form.values.reason }); }} novalidate>
      <${Field} label=${t('field.reason')} name="reason" errors=${form.errors}><input ...${form.bind('reason')} /><//>
      <${FormError} form=${form} shown=${['reason']} />
      <div class="buttons"><button type="submit" class="danger" data-action="confirm-reject" disabled=${form.busy}>${t('claim.reject')}</button>
        <button type="button" class="secondary" onClick=${() => setMode(null)}>${t('common.cancel')}</button></div></form>` : null}
  </div>`;
}

function usePlans() {
  const [plans, setPlans] = useState([]);
  useEffect(() => { get('/mutual-aid/plans', { limit: 50 }).then((d) => setPlans(items(d).sort((a, b) => b.year - a.year)), () => setPlans([])); }, []);
  return plans;
}

function ClaimForm({ onDone }) {
  const plans = usePlans();
  const form = useForm({ plan_id: '', member_id: '', kind: '', incurred_on: today(), amount: '' },
    { plan_id: requiredProblem, member_id: requiredProblem, kind: requiredProblem, incurred_on: dateProblem, amount: amountProblem });
  useEffect(() => { if (!form.values.plan_id && plans.length) form.set('plan_id', String(plans[0].id)); }, [plans]);
  const plan = plans.find((p) => String(p.id) === String(form.values.plan_id));
  const kinds = plan && plan.caps && Object.keys(plan.caps).length ? Object.keys(plan.caps) : CLAIM_KINDS; // what the plan covers
  useEffect(() => { if (!kinds.includes(form.values.kind)) form.set('kind', kinds[0]); }, [kinds.join()]);
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      await post('/mutual-aid/claims', { plan_id: v.plan_id, member_id: v.member_id, kind: v.kind, incurred_on: v.incurred_on, amount_claimed_fen: parseYuan(v.amount) });
      onDone();
    });
  };
  const errors = withFenErrors(form.errors, 'amount', 'amount_claimed_fen');
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="claim-form"><h3>${t('claim.file')}</h3>
    <${FormError} form=${form} shown=${['plan_id', 'member_id', 'kind', 'incurred_on', 'amount', 'amount_claimed_fen']} />
    <${Field} label=${t('field.plan_id')} name="plan_id" errors=${errors}>
      <select name="plan_id" value=${form.values.plan_id} onChange=${(e) => form.set('plan_id', e.currentTarget.value)}>
        <option value="">${t('common.choose')}</option>${plans.map((p) => html`<option value=${p.id}>${t('plan.name', { year: p.year })}</option>`)}</select><//>
    <${Field} label=${t('field.member_id')} name="member_id" errors=${errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
    <${Field} label=${t('field.claim_kind')} name="kind" errors=${errors}><${EnumSelect} group="claim_kind" values=${kinds} ...${form.bind('kind')} onChange=${(e) => form.set('kind', e.currentTarget.value)} /><//>
    <${Field} label=${t('field.incurred_on')} name="incurred_on" errors=${errors}><input ...${form.bind('incurred_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
    <${Field} label=${t('field.amount_claimed')} name="amount" errors=${errors}><input ...${form.bind('amount')} inputmode="decimal" /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('claim.file_submit')}</button></div></form>`;
}

function Claims({ user, query }) {
  const status = query.get('status') || 'filed';
  const pager = usePager(status);
  const claims = useAsync(() => get('/mutual-aid/claims', { status, limit: 50, cursor: pager.cursor }), [status, pager.cursor]);
  const [filing, setFiling] = useState(false);
  const covers = useCovers(items(claims.data).map((c) => String(c.member_id)));
  // The approved queue: tick the claims to pay and pay them in one request (all or none).
  const [selected, setSelected] = useState(() => new Set());
  const [paying, setPaying] = useState({ busy: false, error: null });
  useEffect(() => setSelected(new Set()), [status, claims.data]);
  const payable = status === 'approved' && can(user, 'welfare.write');
  const chosen = items(claims.data).filter((c) => selected.has(c.id));
  const toggle = (id) => { const next = new Set(selected); if (next.has(id)) next.delete(id); else next.add(id); setSelected(next); };
  const paySelected = async () => {
    setPaying({ busy: true, error: null });
    try { await post('/mutual-aid/claim-payments', { claim_ids: chosen.map((c) => c.id) }); setPaying({ busy: false, error: null }); claims.reload(); } catch (error) { setPaying({ busy: false, error }); }
  };
  return html`<div>
    <div class="title-row"><div class="buttons">${CLAIM_STATUSES.map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/welfare/claims?status=${s}`}>${label('claim_status', s)}<//>`)}</div>
      ${can(user, 'welfare.file') ? html`<button type="button" onClick=${() => setFiling(!filing)}>${t('claim.file')}</button>` : null}</div>
    ${filing ? html`<${ClaimForm} onDone=${() => { setFiling(false); claims.reload(); }} />` : null}
    ${payable && chosen.length ? html`<div class="buttons pay-selected" data-testid="pay-selected">
      <button type="button" disabled=${paying.busy} onClick=${paySelected}>${t('claim.pay_selected', { n: chosen.length, amount: yuan(chosen.reduce((sum, c) => sum + (c.amount_approved_fen || 0), 0)) })}</button>
      <${LoadError} error=${paying.error} /></div>` : null}
    <${ListState} state=${claims}>${(data) => (items(data).length ? html`
      <table class="list" data-testid="claims"><thead><tr><th>${t('field.member_id')}</th><th>${t('field.claim_kind')}</th><th>${t('field.incurred_on')}</th>
        <th class="num">${t('field.amount_claimed')}</th><th class="num">${t('field.amount_approved')}</th><th class="num">${t('claim.remaining')}</th><th>${t('field.status')}</th><th></th></tr></thead>
        <tbody>${items(data).map((c) => {
          const cover = covers[String(c.member_id)];
          const left = capsLeft(cover, c);
          return html`<tr data-claim=${c.id}><td>${payable ? html`<input type="checkbox" name="pay" aria-label=${t('claim.select')} checked=${selected.has(c.id)} onChange=${() => toggle(c.id)} /> ` : null}<a href=${`#/members/${c.member_id}`}>${cover && cover.name ? cover.name : `#${c.member_id}`}</a></td>
            <td>${label('claim_kind', c.kind)}</td><td>${day(c.incurred_on)}</td><td class="num">${yuan(c.amount_claimed_fen)}</td>
            <td class="num">${c.amount_approved_fen != null ? yuan(c.amount_approved_fen) : '—'}</td>
            <td class="num" data-remaining>${left ? html`${left.kind != null ? yuan(left.kind) : '—'}<div class="small muted">${t('claim.remaining_annual', { amount: yuan(left.annual) })}</div>` : (cover === null ? t('claim.not_covered') : '—')}</td>
            <td><${Badge} kind=${c.status}>${label('claim_status', c.status)}<//>${c.reason ? html`<div class="small muted">${c.reason}</div>` : null}</td>
            <td>${can(user, 'welfare.write') ? html`<${ClaimActions} key=${`${c.id}-${c.status}`} claim=${c} left=${left} onDone=${claims.reload} />` : null}</td></tr>`;
        })}</tbody></table>
      <${Pager} pager=${pager} nextCursor=${data.next_cursor} />` : html`<${Empty} />`)}<//>
  </div>`;
}

function GrantForm({ hardship, onDone }) {
  const form = useForm({ kind: 'regular', amount: '', notice_days: '5' }, {
    amount: (v, all) => ((all ? all.kind : 'regular') === 'regular' || v ? amountProblem(v) : null),
  });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      const body = { kind: v.kind, notice_days: Number(v.notice_days || 5) };
      if (v.amount) body.amount_fen = parseYuan(v.amount);
      await post(`/hardship-cases/${hardship.id}/grants`, body);
      onDone();
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="grant-form"><h3>${t('hardship.grant')}</h3>
    <${FormError} form=${form} shown=${['kind', 'amount', 'amount_fen', 'notice_days']} />
    <${Field} label=${t('field.grant_kind')} name="kind" errors=${form.errors}><${EnumSelect} group="grant_kind" values=${['regular', 'second_relief']} ...${form.bind('kind')} onChange=${(e) => form.set('kind', e.currentTarget.value)} /><//>
    <${Field} label=${t('field.amount_yuan')} name="amount" errors=${withFenErrors(form.errors, 'amount', 'amount_fen')} hint=${form.values.kind === 'second_relief' ? t('hardship.second_relief_hint') : null}><input ...${form.bind('amount')} inputmode="decimal" /><//>
    <${Field} label=${t('hardship.notice_days_label')} name="notice_days" errors=${form.errors}><input ...${form.bind('notice_days')} inputmode="numeric" /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('hardship.grant')}</button></div></form>`;
}

function Grants({ hardship, user, version }) {
  // A list of cases leaves the grants out; a case's grants come from their own list.
  const listed = useAsync(() => (hardship.grants ? Promise.resolve(hardship.grants)
    : getAll('/hardship-grants', { case_id: hardship.id }, 2)), [hardship.id, version]);
  const act = useForm({}, {});
  const run = (grant, action, body) => act.submit(async () => { await post(`/hardship-grants/${grant.id}/${action}`, body || {}); listed.reload(); });
  const object = (grant) => {
    const reason = window.prompt(t('hardship.objection_reason'));
    if (reason) run(grant, 'object', { reason });
  };
  return html`<div>${(listed.data || []).map((g) => html`<div class="grant" data-grant=${g.id}>
    ${label('grant_kind', g.kind)} ${yuan(g.amount_fen)} <${Badge} kind=${g.status}>${label('grant_status', g.status)}<//>
    ${g.status === 'notice' ? html` <span class="small muted">${t('hardship.notice_until', { date: day(g.notice_ends_on) })}</span>
      ${can(user, 'welfare.write') && g.notice_ends_on < today() ? html` <button type="button" class="small" onClick=${() => run(g, 'pay')}>${t('claim.pay')}</button>` : null}
      ${can(user, 'welfare.file') ? html` <button type="button" class="secondary small" onClick=${() => object(g)}>${t('hardship.object')}</button>` : null}` : null}
    ${g.objection ? html`<div class="small muted">${g.objection}</div>` : null}</div>`)}
    <${FormError} form=${act} /></div>`;
}

function Hardship({ user, query }) {
  const status = query.get('status') || 'open';
  const cases = useAsync(() => get('/hardship-cases', { status, limit: 100 }), [status]);
  const covers = useCovers(items(cases.data).map((c) => String(c.member_id)));
  const [opening, setOpening] = useState(false);
  const [granting, setGranting] = useState(null);
  const [version, setVersion] = useState(0);
  const form = useForm({ member_id: '', reason: '' }, { member_id: requiredProblem, reason: requiredProblem });
  const review = useForm({}, {});
  const open = (e) => { e.preventDefault(); form.submit(async (v) => { await post('/hardship-cases', v); setOpening(false); form.setValues({ member_id: '', reason: '' }); cases.reload(); }); };
  const decide = (c, decision) => review.submit(async () => { await post(`/hardship-cases/${c.id}/review`, { decision }); cases.reload(); });
  const officer = can(user, 'welfare.write');
  return html`<div>
    <div class="title-row"><div class="buttons">${CASE_STATUSES.map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/welfare/hardship?status=${s}`}>${label('hardship_status', s)}<//>`)}</div>
      ${can(user, 'welfare.file') ? html`<button type="button" onClick=${() => setOpening(!opening)}>${t('hardship.open')}</button>` : null}</div>
    ${opening ? html`<form class="card form-grid" onSubmit=${open} novalidate><h3>${t('hardship.open')}</h3>
      <${FormError} form=${form} shown=${['member_id', 'reason']} />
      <${Field} label=${t('field.member_id')} name="member_id" errors=${form.errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
      <${Field} label=${t('field.reason')} name="reason" errors=${form.errors}><input ...${form.bind('reason')} /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>` : null}
    <${FormError} form=${review} />
    ${granting ? html`<${GrantForm} hardship=${granting} onDone=${() => { setGranting(null); setVersion(version + 1); }} />` : null}
    <${ListState} state=${cases}>${(data) => (items(data).length ? html`
      <table class="list" data-testid="hardship"><thead><tr><th>${t('field.member_id')}</th><th>${t('field.reason')}</th><th>${t('hardship.opened')}</th>
        <th>${t('hardship.source')}</th><th>${t('hardship.grants')}</th><th></th></tr></thead>
        <tbody>${items(data).map((c) => html`<tr><td><a href=${`#/members/${c.member_id}`}>${covers[String(c.member_id)] ? covers[String(c.member_id)].name : `#${c.member_id}`}</a></td><td>${c.reason}</td>
          <td>${day(c.created_at)}</td><td>${label('hardship_source', c.source)}</td>
          <td><${Grants} hardship=${c} user=${user} version=${version} /></td>
          <td>${officer && c.status === 'open' ? html`<div class="buttons"><button type="button" class="small" onClick=${() => decide(c, 'approved')}>${t('common.approve')}</button>
              <button type="button" class="secondary small" onClick=${() => decide(c, 'rejected')}>${t('common.reject')}</button></div>` : null}
            ${officer && c.status === 'approved' ? html`<button type="button" class="secondary small" onClick=${() => setGranting(c)}>${t('hardship.grant')}</button>` : null}</td></tr>`)}</tbody></table>` : html`<${Empty} />`)}<//>
  </div>`;
}

function Enrolment({ user }) {
  const plans = usePlans();
  const [planId, setPlanId] = useState('');
  const [orgId, setOrgId] = useState('');
  const [chosen, setChosen] = useState(new Set());
  const members = useAsync(() => (orgId ? getAll('/members', { organisation_id: orgId, status: 'active' }, 4) : Promise.resolve([])), [orgId]);
  const form = useForm({ enrolled_on: today() }, { enrolled_on: dateProblem });
  const [result, setResult] = useState(null);
  useEffect(() => { if (!planId && plans.length) setPlanId(String(plans[0].id)); }, [plans]);
  useEffect(() => {
    // Cover starts within the plan's year: today for this year's plan, else the year's first day.
    const chosenPlan = plans.find((p) => String(p.id) === planId);
    if (chosenPlan) form.set('enrolled_on', String(chosenPlan.year) === today().slice(0, 4) ? today() : `${chosenPlan.year}-01-01`);
  }, [planId, plans]);
  useEffect(() => { setChosen(new Set((members.data || []).map((m) => m.id))); }, [members.data]);
  if (!can(user, 'welfare.file')) return html`<${Empty} text=${t('common.not_allowed')} />`;
  const plan = plans.find((p) => String(p.id) === planId);
  const toggle = (id) => setChosen((old) => { const next = new Set(old); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      setResult(await post('/mutual-aid/enrolments', { plan_id: planId, organisation_id: orgId, member_ids: [...chosen], enrolled_on: v.enrolled_on }));
    });
  };
  return html`<form class="card" onSubmit=${submit} novalidate data-testid="enrolment-form">
    <h3>${t('enrol.title')}</h3>
    <${FormError} form=${form} shown=${['plan_id', 'organisation_id', 'member_ids', 'enrolled_on']} />
    <div class="form-grid">
      <${Field} label=${t('field.plan_id')} name="plan_id" errors=${form.errors}><select value=${planId} onChange=${(e) => setPlanId(e.currentTarget.value)}>
        <option value="">${t('common.choose')}</option>${plans.map((p) => html`<option value=${p.id}>${t('plan.name', { year: p.year })}</option>`)}</select><//>
      <${Field} label=${t('field.organisation_id')} name="organisation_id" errors=${form.errors}><${OrgSelect} value=${orgId} onChange=${setOrgId} /><//>
      <${Field} label=${t('field.enrolled_on')} name="enrolled_on" errors=${form.errors}><input ...${form.bind('enrolled_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
    </div>
    ${plan ? html`<p class="muted">${t('enrol.premium', { amount: yuan(plan.premium_fen), total: yuan(plan.premium_fen * chosen.size) })}</p>` : null}
    ${(members.data || []).length ? html`<p>${t('enrol.chosen', { n: chosen.size, total: members.data.length })}</p>
      <div class="checklist">${members.data.map((m) => html`<label class="inline"><input type="checkbox" checked=${chosen.has(m.id)} onChange=${() => toggle(m.id)} />${m.name}</label> `)}</div>` : null}
    ${form.errors.member_ids ? html`<span class="field-error">${form.errors.member_ids.join('; ')}</span>` : null}
    <div class="buttons"><button type="submit" disabled=${form.busy || !planId || !orgId || !chosen.size}>${t('enrol.submit')}</button></div>
    ${result ? html`<div class="notice" data-testid="enrolled">${t('enrol.done', { n: number(result.enrolled), amount: yuan(result.premiums_fen), until: day(result.cover_ends_on) })}</div>` : null}
  </form>`;
}

export function WelfarePage({ user, tab, query }) {
  const tabs = [['claims', t('welfare.claims')], ['hardship', t('welfare.hardship')], ['subsidies', t('welfare.subsidies')],
    ['visits', t('welfare.visits')], ['refunds', t('welfare.refunds')], ['enrolment', t('welfare.enrolment')]];
  if (can(user, 'welfare.ledger')) tabs.splice(1, 0, ['funds', t('welfare.funds')]);
  const current = tabs.some(([key]) => key === tab) ? tab : 'claims';
  return html`<section><h2>${t('nav.welfare')}</h2>
    <${Tabs} tabs=${tabs} current=${current} onChange=${(key) => go(`/welfare/${key}`)} />
    ${current === 'funds' ? html`<${Funds} user=${user} />` : null}
    ${current === 'claims' ? html`<${Claims} user=${user} query=${query} />` : null}
    ${current === 'hardship' ? html`<${Hardship} user=${user} query=${query} />` : null}
    ${current === 'subsidies' ? html`<${Subsidies} user=${user} query=${query} />` : null}
    ${current === 'visits' ? html`<${Visits} user=${user} />` : null}
    ${current === 'refunds' ? html`<${DuesRefunds} user=${user} />` : null}
    ${current === 'enrolment' ? html`<${Enrolment} user=${user} />` : null}
  </section>`;
}
