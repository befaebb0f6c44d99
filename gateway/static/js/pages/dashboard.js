// Dashboard: the year's key figures as numbers and charts, from the annual report route.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { number, yuan } from '../format.js';
import { lang, t } from '../i18n.js';
import { can } from '../roles.js';
import { LoadError, Loading, html, useAsync } from '../ui.js';

export const BLOCKS = {
  membership: [['new_organisations', 'n'], ['new_members', 'n'], ['new_form_members', 'n'], ['members_total', 'n']],
  welfare: [['dues_refunded_fen', 'fen'], ['mutual_aid_units', 'n'], ['mutual_aid_members', 'n'], ['mutual_aid_raised_fen', 'fen'],
    ['claims_paid', 'n'], ['claims_paid_fen', 'fen'], ['second_relief_members', 'n'], ['second_relief_fen', 'fen']],
  training: [['seed_craftsmen', 'n'], ['craftsmen', 'n'], ['chief_craftsmen', 'n'], ['gold_craftsmen', 'n'], ['schools', 'n'],
    ['competitions', 'n'], ['competition_entrants', 'n'], ['safety_trainings', 'n'], ['safety_drills', 'n'],
    ['proposals_rewarded', 'n'], ['proposal_rewards_fen', 'fen']],
  rights: [['cases_closed', 'n'], ['enterprises_with_contracts', 'n'], ['hotline_orders', 'n'], ['hotline_wage_fen', 'fen'],
    ['legal_events', 'n'], ['brochures', 'n']],
};

export const figure = (value, unit) => (unit === 'fen' ? yuan(value) : number(value));

export function useAnnual(year) {
  return useAsync(() => get('/reports/annual', { year }), [year]);
}

export function YearPicker({ year, onChange }) {
  const now = new Date().getFullYear();
  const years = [];
  for (let y = now; y >= now - 6; y -= 1) years.push(y);
  return html`<label class="inline">${t('report.year')}
    <select name="year" value=${year} onChange=${(e) => onChange(Number(e.currentTarget.value))}>
      ${years.map((y) => html`<option value=${y}>${y}</option>`)}</select></label>`;
}

function BarChart({ labels, values, title, money }) {
  const canvas = useRef(null);
  useEffect(() => {
    if (!window.Chart || !canvas.current) return undefined;
    const chart = new window.Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ label: title, data: values.map((v) => (money ? v / 100 : v)), backgroundColor: '#c0392b' }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false }, title: { display: true, text: title } },
        scales: { y: { beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(labels), JSON.stringify(values), title]);
  return html`<div class="chart"><canvas ref=${canvas} role="img" aria-label=${title}></canvas></div>`;
}

function Charts({ report }) {
  const charts = [];
  const m = report.membership;
  if (m) {
    charts.push(html`<${BarChart} title=${t('dash.chart_members')}
      labels=${[t('stat.new_members'), t('stat.new_form_members'), t('stat.new_organisations')]}
      values=${[m.new_members, m.new_form_members, m.new_organisations]} />`);
  }
  const tr = report.training;
  if (tr) {
    charts.push(html`<${BarChart} title=${t('dash.chart_craftsmen')}
      labels=${['seed', 'craftsman', 'chief', 'gold'].map((level) => t(`level.${level}`))}
      values=${[tr.seed_craftsmen, tr.craftsmen, tr.chief_craftsmen, tr.gold_craftsmen]} />`);
  }
  const w = report.welfare;
  if (w) {
    charts.push(html`<${BarChart} title=${t('dash.chart_welfare')} money
      labels=${[t('stat.dues_refunded_fen'), t('stat.mutual_aid_raised_fen'), t('stat.claims_paid_fen'), t('stat.second_relief_fen')]}
      values=${[w.dues_refunded_fen, w.mutual_aid_raised_fen, w.claims_paid_fen, w.second_relief_fen]} />`);
  }
  const r = report.rights;
  if (r) {
    charts.push(html`<${BarChart} title=${t('dash.chart_rights')}
      labels=${[t('stat.cases_closed'), t('stat.hotline_orders'), t('stat.legal_events')]}
      values=${[r.cases_closed, r.hotline_orders, r.legal_events]} />`);
  }
  return html`<div class="charts">${charts}</div>`;
}

// What is waiting for someone: [key, permission, list route, query, link]. Counted up to a page of 100.
const TODO = [
  ['claims_filed', 'welfare.write', '/mutual-aid/claims', { status: 'filed' }, '#/welfare/claims?status=filed'],
  ['claims_approved', 'welfare.write', '/mutual-aid/claims', { status: 'approved' }, '#/welfare/claims?status=approved'],
  ['nominations_pending', 'training.write', '/craftsmen/nominations', { status: 'pending' }, '#/training/nominations?status=pending'],
  ['hotline_overdue', 'rights.read', '/hotline-orders', { overdue: 'true' }, '#/rights/hotline?overdue=true'],
  ['cases_overdue', 'rights.read', '/dispute-cases', { overdue: 'true' }, '#/rights/cases'],
];

function Todo({ user }) {
  const wanted = TODO.filter(([, permission]) => can(user, permission));
  const counts = useAsync(() => Promise.all(wanted.map(([key, , path, query]) => get(path, { ...query, limit: 100 })
    .then((page) => [key, page.items.length, Boolean(page.next_cursor)], () => null))), [user.id]);
  const shown = (counts.data || []).filter(Boolean);
  if (!shown.length) return null;
  return html`<div class="block" data-testid="todo"><h3>${t('dash.todo')}</h3><div class="tiles">
    ${shown.map(([key, n, more]) => html`<a class=${`tile todo${n ? ' due' : ''}`} href=${wanted.find(([k]) => k === key)[4]} data-todo=${key}>
      <div class="value">${number(n)}${more ? '+' : ''}</div><div class="name">${t(`dash.todo.${key}`)}</div></a>`)}
  </div></div>`;
}

export function DashboardPage({ user }) {
  const [year, setYear] = useState(new Date().getFullYear());
  const report = useAnnual(year);
  return html`<section data-testid="dashboard">
    <div class="title-row">
      <h2>${t('nav.dashboard')}</h2>
      <div class="actions"><${YearPicker} year=${year} onChange=${setYear} />
        <a class="button secondary" href="#/report">${t('dash.open_report')}</a></div>
    </div>
    <${Todo} user=${user} />
    <${LoadError} error=${report.error} />
    ${report.loading && !report.data ? html`<${Loading} />` : null}
    ${report.data ? html`
      ${Object.entries(BLOCKS).filter(([block]) => report.data[block]).map(([block, stats]) => html`
        <div class="block"><h3>${t(`area.${block}`)}</h3>
          <div class="tiles">${stats.filter(([key]) => key in report.data[block]).map(([key, unit]) => html`
            <div class="tile" data-stat=${key}><div class="value">${figure(report.data[block][key], unit)}</div>
              <div class="name">${t(`stat.${key}`)}</div></div>`)}</div></div>`)}
      <${Charts} report=${report.data} key=${lang()} />` : null}
  </section>`;
}
