// Training: the craftsman roster by level, nominations to review with their evidence, competitions, golden ideas.
import { useEffect, useState } from 'preact/hooks';
import { organisationName, organisations } from '../orgs.js';
import { get, post } from '../api.js';
import { day, number, parseYuan, yuan } from '../format.js';
import { label, t } from '../i18n.js';
import { can } from '../roles.js';
import { Badge, Empty, EnumSelect, Field, FormError, Tabs, go, html, useAsync, useForm } from '../ui.js';
import { requiredProblem } from '../validate.js';
import { MemberPicker } from '../widgets.js';
import { ListState, items } from './common.js';

const LEVELS = ['seed', 'craftsman', 'chief', 'gold'];
const memberLink = (row) => html`<a href=${`#/members/${row.member_id}`}>${row.member_name || `#${row.member_id}`}</a>`;

function Roster() {
  const [level, setLevel] = useState('');
  const [tree, setTree] = useState(null);
  useEffect(() => { organisations().then(setTree, () => setTree(null)); }, []);
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
    <div class="title-row"><div class="buttons">${NOMINATION_STATUSES.map((s) => html`<a class=${`button ${s === status ? '' : 'secondary'}`} href=${`#/training/nominations?status=${s}`}>${label('nomination_status', s)}</a>`)}</div>
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

function Competitions() {
  const list = useAsync(() => get('/competitions', { limit: 100 }), []);
  return html`<${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="competitions">
    <thead><tr><th>${t('field.name')}</th><th>${t('field.kind')}</th><th>${t('field.held_on')}</th><th class="num">${t('competition.entries')}</th><th>${t('field.status')}</th><th>${t('competition.results')}</th></tr></thead>
    <tbody>${items(data).map((c) => html`<tr><td>${c.name}</td><td>${label('competition_kind', c.kind)}</td><td>${day(c.held_on)}</td><td class="num">${number(c.entrants)}</td>
      <td><${Badge} kind=${c.status}>${label('competition_status', c.status)}<//></td>
      <td>${c.status === 'published' ? html`<${CompetitionResults} competition=${c} />` : '—'}</td></tr>`)}</tbody></table>`
    : html`<${Empty} />`)}<//>`;
}

function Proposals({ user }) {
  const list = useAsync(() => get('/proposals', { limit: 100 }), []);
  const [reviewing, setReviewing] = useState(null);
  const form = useForm({ score: '', decision: 'adopted', reward: '' }, { reward: (v, all) => (all && all.decision === 'adopted' && parseYuan(v) === null ? ['v.amount'] : null) });
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
  const tabs = [['craftsmen', t('training.craftsmen')], ['nominations', t('training.nominations')], ['competitions', t('training.competitions')], ['proposals', t('training.proposals')]];
  return html`<section><h2>${t('nav.training')}</h2>
    <${Tabs} tabs=${tabs} current=${current} onChange=${(key) => go(`/training/${key}`)} />
    ${current === 'craftsmen' ? html`<${Roster} />` : null}
    ${current === 'nominations' ? html`<${Nominations} user=${user} query=${query} />` : null}
    ${current === 'competitions' ? html`<${Competitions} />` : null}
    ${current === 'proposals' ? html`<${Proposals} user=${user} />` : null}
  </section>`;
}
