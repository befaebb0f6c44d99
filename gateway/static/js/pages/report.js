// The annual report, laid out like the federation's work report, printable from the browser.
import { useState } from 'preact/hooks';
import { download } from '../api.js';
import { today } from '../format.js';
import { t } from '../i18n.js';
import { LoadError, Loading, html } from '../ui.js';
import { BLOCKS, YearPicker, figure, useAnnual } from './dashboard.js';

/** The sentence of a section, with each figure in place; a missing figure leaves its clause out. */
function Paragraph({ block, data }) {
  if (!data) return html`<p class="muted">${t('report.not_available')}</p>`;
  const values = {};
  for (const [key, unit] of BLOCKS[block]) values[key] = key in data ? figure(data[key], unit) : null;
  const clauses = t(`report.text.${block}`).split('|')
    .filter((clause) => !/\{(\w+)\}/g.test(clause) || [...clause.matchAll(/\{(\w+)\}/g)].every(([, k]) => values[k] !== null))
    .map((clause) => clause.replace(/\{(\w+)\}/g, (whole, k) => values[k]));
  return html`<p class="report-text">${clauses.join('')}</p>`;
}

export function ReportPage({ query }) {
  const [year, setYear] = useState(Number(query.get('year')) || new Date().getFullYear());
  const report = useAnnual(year);
  const [exportError, setExportError] = useState(null);
  const sections = ['membership', 'welfare', 'training', 'rights'];
  const exportExcel = () => {
    setExportError(null);
    download('/reports/annual/export', { year }, `annual-report-${year}.xlsx`).catch(setExportError);
  };
  return html`<section class="report" data-testid="annual-report">
    <div class="title-row no-print">
      <h2>${t('nav.report')}</h2>
      <div class="actions"><${YearPicker} year=${year} onChange=${setYear} />
        <button type="button" onClick=${() => window.print()}>${t('report.print')}</button>
        <button type="button" class="secondary" onClick=${exportExcel}>${t('report.export')}</button></div>
    </div>
    <${LoadError} error=${report.error || exportError} />
    ${report.loading && !report.data ? html`<${Loading} />` : null}
    ${report.data ? html`<article class="paper">
      <h1>${t('report.heading', { year })}</h1>
      <p class="subtitle">${t('report.subtitle', { date: today() })}</p>
      ${sections.map((block, i) => html`<h2>${t(`report.section.${block}`, { n: t(`report.ordinal.${i + 1}`) })}</h2>
        <${Paragraph} block=${block} data=${report.data[block]} />`)}
      <h2>${t('report.table')}</h2>
      <table class="figures">
        <thead><tr><th>${t('report.item')}</th><th>${t('report.value')}</th></tr></thead>
        <tbody>${sections.filter((block) => report.data[block]).map((block) => html`
          <tr class="group"><td colspan="2">${t(`area.${block}`)}</td></tr>
          ${BLOCKS[block].filter(([key]) => key in report.data[block]).map(([key, unit]) => html`
            <tr><td>${t(`stat.${key}`)}</td><td class="num">${figure(report.data[block][key], unit)}</td></tr>`)}`)}
        </tbody>
      </table>
      <p class="signature">${t('report.signature')}</p>
    </article>` : null}
  </section>`;
}

