// Training: the craftsman roster by level, nominations to review with their evidence, competitions, golden ideas.
import { useState } from 'preact/hooks';
import { organisationName, useOrganisations } from '../orgs.js';
import { get, post } from '../api.js';
import { day, number, parseYuan, yuan } from '../format.js';
import { label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Badge, Empty, EnumSelect, Field, FormError, Tabs, go, html, useAsync, useForm } from '../ui.js';
import { amountProblem, requiredProblem } from '../validate.js';
import { MemberPicker } from '../widgets.js';
import { FilterLink, ListState, items } from './common.js';
import { SafetyWork } from './safety.js';
import { Schools } from './schools.js';

const LEVELS = ['seed', 'craftsman', 'chief', 'gold'];
const memberLink = (row) => html`<a href=${`#/members/${row.member_id}`}>${row.member_name || `#${row.member_id}`}</a>`;

function Roster() {
  const [level, setLevel] = useState('');
  const tree = useOrganisations();
  const roster = useAsync(() => get('/craftsmen', { level, limit: 200 }), [level]);
  return html`<div>
    <div class="buttons">${['', ...LEVELS].map((l) => html`<button type="button" class=${l === level ? '' : 'secondary'} onClick=${() => setLevel(l)}>${l ? label('level', l) : t('common.all')}</button>`)}</div>
    <${ListState} state=${roster}>${(data) => (items(data).length ? html`<table class="list" data-testid="craftsmen">
      <thead><tr><th>${t('field.member_id')}</th><th>${t('field.level')}</th><th>${t('craftsman.named_on')}</th><th>${t('field.organisation_id')}</th></tr></thead>
      <tbody>${items(data).map((c) => html`<tr><td>${html`<a href=${`#/members/${c.member_id}`}>${c.name || `#${c.member_id}`}</a>`}</td><td>${label('level', c.level)}</td><td>${day(c.named_on)}</td><td>${organisationName(tree, c.organisation_id)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

function Evidence({ record }) {
  if (!record) return '—';
  return html`<div class="small">
    <div>${t('nomination.current_level')}: ${record.level ? label('level', record.level) : '—'}${record.level_since ? ` (${day(record.level_since)})` : ''}</div>
    <div>${t('nomination.training_hours', { n: number(record.training_hours) })}</div>
    ${(record.competition_ranks || []).map((r) => html`<div>${r.name} · ${t('nomination.rank', { n: r.rank })}${r.award ? ` · ${label('award', r.award)}` : ''}</div>`)}
    ${(record.adopted_proposals || []).map((p) => html`<div>${t('nomination.proposal')}: ${p.title}</div>`)}
  </div>`;
}

const NOMINATION_STATUSES = ['pending', 'public_notice', 'objected', 'named', 'rejected'];

function Nominations({ user, query }) {
  const status = query.get('status') || 'pending';
  const list = useAsync(() => get('/craftsmen/nominations', { status, limit: 100 }), [status]);
  const [adding, setAdding] = useState(false);
  const form = useForm({ member_id: '', level: 'seed', year: String(new Date().getFullYear()) }, { member_id: requiredProblem, year: requiredProblem });
  const review = useForm({}, {});
  const nominate = (e) => {
    e.preventDefault();
    form.submit(async (v) => { await post('/craftsmen/nominations', { member_id: v.member_id, level: v.level, year: Number(v.year) }); setAdding(false); list.reload(); });
  };
  const approve = (n) => review.submit(async () => { await post(`/craftsmen/nominations/${n.id}/approve`, {}); list.reload(); });
  const reject = (n) => {
    const reason = window.prompt(t('nomination.reject_reason'));
    if (reason) review.submit(async () => { await post(`/craftsmen/nominations/${n.id}/reject`, { reason }); list.reload(); });
  };
  return html`<div>
    <div class="title-row"><div class="buttons">${NOMINATION_STATUSES.map((s) => html`<${FilterLink} chosen=${s === status} status=${s} href=${`#/training/nominations?status=${s}`}>${label('nomination_status', s)}<//>`)}</div>
      ${can(user, 'training.nominate') ? html`<button type="button" onClick=${() => setAdding(!adding)}>${t('nomination.new')}</button>` : null}</div>
    ${adding ? html`<form class="card form-grid" onSubmit=${nominate} novalidate><h3>${t('nomination.new')}</h3>
      <${FormError} form=${form} shown=${['member_id', 'level', 'year']} />
      <${Field} label=${t('field.member_id')} name="member_id" errors=${form.errors}><${MemberPicker} value=${form.values.member_id} onChange=${(v) => form.set('member_id', v)} /><//>
      <${Field} label=${t('field.level')} name="level" errors=${form.errors} hint=${t('nomination.level_hint')}><${EnumSelect} group="level" values=${LEVELS} ...${form.bind('level')} onChange=${(e) => form.set('level', e.currentTarget.value)} /><//>
      <${Field} label=${t('field.year')} name="year" errors=${form.errors}><input ...${form.bind('year')} inputmode="numeric" /><//>
      <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>` : null}
    <${FormError} form=${review} />
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="nominations">
      <thead><tr><th>${t('field.member_id')}</th><th>${t('field.level')}</th><th>${t('field.year')}</th><th>${t('field.evidence')}</th><th>${t('field.status')}</th><th></th></tr></thead>
      <tbody>${items(data).map((n) => html`<tr><td>${memberLink(n)}</td><td>${n.from_level ? `${label('level', n.from_level)} → ` : ''}${label('level', n.level)}</td><td>${n.year}</td>
        <td><${Evidence} record=${n.evidence} /></td>
        <td><${Badge} kind=${n.status}>${label('nomination_status', n.status)}<//>${n.notice_ends_on && n.status === 'public_notice' ? html`<div class="small muted">${t('hardship.notice_until', { date: day(n.notice_ends_on) })}</div>` : null}
          ${(n.objections || []).map((o) => html`<div class="small muted">${o.reason}</div>`)}</td>
        <td>${can(user, 'training.write') && ['pending', 'public_notice', 'objected'].includes(n.status) ? html`<div class="buttons">
          <button type="button" class="small" onClick=${() => approve(n)}>${t('common.approve')}</button>
          <button type="button" class="secondary small" onClick=${() => reject(n)}>${t('common.reject')}</button></div>` : null}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}

function CompetitionResults({ competition }) {
  const results = useAsync(() => get(`/competitions/${competition.id}/entries`, { limit: 500 }), [competition.id]);
  if (results.loading || results.error) return null;
  const ranked = items(results.data).filter((e) => e.rank).sort((a, b) => a.rank - b.rank);
  return html`<div class="small">${ranked.slice(0, 3).map((r) => html`<div>${r.rank}. ${r.member_name || `#${r.member_id}`} · ${r.final_score}${r.award ? ` · ${label('award', r.award)}` : ''}</div>`)}</div>`;
}

/** A competition's entrants with each judge's mark; officers record marks and publish, chairs enter members. */
function CompetitionDetail({ user, id }) {
  const competition = useAsync(() => get(`/competitions/${id}`), [id]);
  const entries = useAsync(() => get(`/competitions/${id}/entries`, { limit: 500 }), [id]);
  const [notice, setNotice] = useState('');
  const reload = () => { competition.reload(); entries.reload(); };
  const entering = useForm({ member_id: '' }, { member_id: requiredProblem });
  const c = competition.data;
  const rows = items(entries.data);
  const max = c ? c.max_score : 100;
  const markCheck = (v) => {
    if (!String(v ?? '').trim()) return null;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 && n <= max ? null : t('competition.mark_range', { n: max });
  };
  const marking = useForm({ judge: '' }, { judge: requiredProblem });
  const open = c && c.status === 'open';
  const judges = [...new Set(rows.flatMap((e) => (e.scores || []).map((m) => m.judge)))].sort();
  const markOf = (entry, judge) => ((entry.scores || []).find((m) => m.judge === judge) || {}).score;
  const enter = (e) => {
    e.preventDefault();
    entering.submit(async (v) => { await post(`/competitions/${id}/entries`, { member_id: v.member_id }); entering.setValues({ member_id: '' }); reload(); });
  };
  const record = (e) => {
    e.preventDefault();
    const problems = {};
    const scores = [];
    for (const entry of rows) {
      const value = marking.values[`mark_${entry.member_id}`];
      const problem = markCheck(value);
      if (problem) problems[`mark_${entry.member_id}`] = [problem];
      else if (String(value ?? '').trim()) scores.push({ member_id: entry.member_id, score: Number(value) });
    }
    if (!Object.keys(problems).length && !scores.length) problems._marks = [t('competition.marks_needed')];
    if (Object.keys(problems).length) { marking.setErrors(problems); return; }
    marking.submit(async (v) => {
      const done = await post(`/competitions/${id}/scores`, { judge: v.judge.trim(), scores });
      setNotice(t('competition.marks_saved', { n: done.recorded }));
      marking.setValues({ judge: '' });
      reload();
    });
  };
  const publishing = useForm({}, {});
  const publish = () => {
    if (!window.confirm(t('competition.publish_confirm'))) return;
    publishing.submit(async () => { await post(`/competitions/${id}/results`, {}); setNotice(''); reload(); });
  };
  const markCell = (e) => {
    const name = `mark_${e.member_id}`;
    const problems = marking.errors[name] || [];
    return html`<td class="num"><span class=${`field${problems.length ? ' invalid' : ''}`} data-field=${name}>
      <input ...${marking.bind(name)} inputmode="decimal" aria-label=${`${t('competition.judge')} → ${e.member_name || e.member_id}`} />
      ${problems.map((message) => html`<span class="field-error" role="alert">${message}</span>`)}</span></td>`;
  };
  return html`<div data-testid="competition">
    <p><a href="#/training/competitions">← ${t('competition.all')}</a></p>
    <${ListState} state=${competition}>${(comp) => html`<div class="title-row"><h3>${comp.name}</h3>
      <div><${Badge} kind=${comp.status}>${label('competition_status', comp.status)}<//></div></div>
      <p class="small muted">${label('competition_kind', comp.kind)} · ${day(comp.held_on)} · ${t('competition.max_score', { n: comp.max_score })}</p>
      <p class="small muted">${t('competition.rule')}</p>`}<//>
    ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
    <${FormError} form=${marking} shown=${['judge', ...rows.map((e) => `mark_${e.member_id}`)]} />
    <${FormError} form=${publishing} />
    ${marking.errors._marks ? html`<div class="form-error" role="alert">${marking.errors._marks[0]}</div>` : null}
    <${ListState} state=${entries}>${() => (rows.length ? html`<form onSubmit=${record} novalidate><table class="list" data-testid="entries">
      <thead><tr><th>${t('competition.entrant')}</th>${judges.map((j) => html`<th class="num">${j}</th>`)}
        ${open && can(user, 'training.write') ? html`<th class="num"><${Field} label=${t('competition.judge')} name="judge" errors=${marking.errors}><input ...${marking.bind('judge')} data-testid="judge" /><//></th>` : null}
        <th class="num">${t('competition.final_score')}</th><th class="num">${t('competition.rank')}</th><th>${t('competition.award')}</th></tr></thead>
      <tbody>${rows.map((e) => html`<tr><td>${memberLink(e)}</td>${judges.map((j) => html`<td class="num">${markOf(e, j) ?? '—'}</td>`)}
        ${open && can(user, 'training.write') ? markCell(e) : null}
        <td class="num">${e.final_score ?? '—'}</td><td class="num">${e.rank ?? '—'}</td><td>${e.award ? label('award', e.award) : '—'}</td></tr>`)}</tbody></table>
      ${!judges.length ? html`<p class="small muted">${t('competition.no_marks')}</p>` : null}
      ${open && can(user, 'training.write') ? html`<p class="small muted">${t('competition.marks_hint')}</p><div class="buttons">
        <button type="submit" disabled=${marking.busy}>${t('competition.marks')}</button>
        <button type="button" class="secondary" disabled=${publishing.busy || !judges.length} onClick=${publish}>${t('competition.publish')}</button></div>` : null}</form>`
      : html`<${Empty} />`)}<//>
    ${open && can(user, 'training.nominate') ? html`<form class="card form-grid" onSubmit=${enter} novalidate><h3>${t('competition.enter')}</h3>
      <${FormError} form=${entering} shown=${['member_id']} />
      <${Field} label=${t('field.member_id')} name="member_id" errors=${entering.errors}><${MemberPicker} value=${entering.values.member_id} onChange=${(v) => entering.set('member_id', v)} /><//>
      <div class="buttons"><button type="submit" disabled=${entering.busy}>${t('common.save')}</button></div></form>` : null}
  </div>`;
}

function Competitions({ user, query }) {
  const id = query.get('id');
  const list = useAsync(() => (id ? Promise.resolve(null) : get('/competitions', { limit: 100 })), [id]);
  if (id) return html`<${CompetitionDetail} user=${user} id=${id} />`;
  return html`<${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="competitions">
    <thead><tr><th>${t('field.name')}</th><th>${t('field.kind')}</th><th>${t('field.held_on')}</th><th class="num">${t('competition.entries')}</th><th>${t('field.status')}</th><th>${t('competition.results')}</th></tr></thead>
    <tbody>${items(data).map((c) => html`<tr><td><a href=${`#/training/competitions?id=${c.id}`} title=${t('competition.open_detail')}>${c.name}</a></td><td>${label('competition_kind', c.kind)}</td><td>${day(c.held_on)}</td><td class="num">${number(c.entrants)}</td>
      <td><${Badge} kind=${c.status}>${label('competition_status', c.status)}<//></td>
      <td>${c.status === 'published' ? html`<${CompetitionResults} competition=${c} />` : '—'}</td></tr>`)}</tbody></table>`
    : html`<${Empty} />`)}<//>`;
}

function Proposals({ user }) {
  const list = useAsync(() => get('/proposals', { limit: 100 }), []);
  const [reviewing, setReviewing] = useState(null);
  const form = useForm({ score: '', decision: 'adopted', reward: '' }, { reward: (v, all) => (all && all.decision === 'adopted' ? amountProblem(v) : null) });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => {
      const body = { decision: v.decision, reward_fen: v.decision === 'adopted' ? parseYuan(v.reward) : 0 };
      if (String(v.score).trim()) body.score = Number(v.score);
      await post(`/proposals/${reviewing}/review`, body);
      setReviewing(null); list.reload();
    });
  };
  return html`<${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="proposals">
    <thead><tr><th>${t('field.title')}</th><th>${t('field.member_id')}</th><th>${t('field.score')}</th><th class="num">${t('field.reward')}</th><th>${t('field.status')}</th><th></th></tr></thead>
    <tbody>${items(data).map((p) => html`<tr><td>${p.title}</td><td>${memberLink(p)}</td><td>${p.score ?? '—'}</td><td class="num">${p.reward_fen ? yuan(p.reward_fen) : '—'}</td>
      <td><${Badge} kind=${p.status}>${label('proposal_status', p.status)}<//>
        ${p.payout ? html`<div class="small muted">${t('proposal.payout')}: ${label('payout_status', p.payout.status)}${p.payout.refusal_reason ? ` · ${p.payout.refusal_reason}` : ''}</div>` : null}</td>
      <td>${can(user, 'training.write') && p.status === 'submitted' ? (reviewing === p.id ? html`<form onSubmit=${submit} novalidate>
        <${FormError} form=${form} shown=${['score', 'decision', 'reward', 'reward_fen']} />
        <${Field} label=${t('field.score')} name="score" errors=${form.errors}><input ...${form.bind('score')} inputmode="numeric" /><//>
        <${Field} label=${t('field.decision')} name="decision" errors=${form.errors}><${EnumSelect} group="decision" values=${['adopted', 'rejected']} ...${form.bind('decision')} onChange=${(e) => form.set('decision', e.currentTarget.value)} /><//>
        <${Field} label=${t('field.reward')} name="reward" errors=${{ ...form.errors, reward: form.errors.reward || form.errors.reward_fen }}><input ...${form.bind('reward')} inputmode="decimal" /><//>
        <button type="submit" disabled=${form.busy}>${t('common.save')}</button></form>`
        : html`<button type="button" class="secondary small" onClick=${() => setReviewing(p.id)}>${t('proposal.review')}</button>`) : null}</td></tr>`)}</tbody></table>`
    : html`<${Empty} />`)}<//>`;
}

export function TrainingPage({ user, tab, query }) {
  const current = tab || 'craftsmen';
  const tabs = [['craftsmen', t('training.craftsmen')], ['nominations', t('training.nominations')], ['competitions', t('training.competitions')],
    ['schools', t('training.schools')], ['safety', t('training.safety')], ['proposals', t('training.proposals')]];
  return html`<section><h2>${t('nav.training')}</h2>
    <${Tabs} tabs=${tabs} current=${current} onChange=${(key) => go(`/training/${key}`)} />
    ${current === 'craftsmen' ? html`<${Roster} />` : null}
    ${current === 'nominations' ? html`<${Nominations} user=${user} query=${query} />` : null}
    ${current === 'competitions' ? html`<${Competitions} user=${user} query=${query} />` : null}
    ${current === 'schools' ? html`<${Schools} user=${user} query=${query} />` : null}
    ${current === 'safety' ? html`<${SafetyWork} user=${user} query=${query} />` : null}
    ${current === 'proposals' ? html`<${Proposals} user=${user} />` : null}
  </section>`;
}
