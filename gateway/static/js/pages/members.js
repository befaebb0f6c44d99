// Members: search with paging, register, the member's page with history, transfer, leave, import, export.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, download, get, patch, post, saveBlob, upload } from '../api.js';
import { day, number, today, yuan } from '../format.js';
import { label, serverText, t } from '../i18n.js';
import { forgetOrganisations, organisationName, useOrganisations } from '../orgs.js';
import { can } from '../roles.js';
import {
  Badge, Empty, EnumSelect, Field, FormError, LoadError, Loading, Pager, go, html, useAsync, useForm, usePager,
} from '../ui.js';
import { dateProblem, mobileProblem, requiredProblem, residentIdProblem } from '../validate.js';
import { OrgSelect } from '../widgets.js';

const FORMS = ['standard', 'new_form'];
const STATUSES = ['active', 'left'];
const FILTERS = ['q', 'organisation_id', 'employment_form', 'status'];

export function MembersPage({ user, query }) {
  const filters = Object.fromEntries(FILTERS.map((key) => [key, query.get(key) || '']));
  const [draft, setDraft] = useState(filters);
  const key = JSON.stringify(filters);
  // The form follows the address when it changes (back, a link), not on the first render: what is typed
  // before the page's effects have run would otherwise be wiped.
  const shownKey = useRef(key);
  useEffect(() => {
    if (shownKey.current !== key) { shownKey.current = key; setDraft(filters); }
  }, [key]);
  const pager = usePager(key);
  const tree = useOrganisations();
  const page = useAsync(() => get('/members', { ...filters, limit: 20, cursor: pager.cursor }), [key, pager.cursor]);
  const [exportError, setExportError] = useState(null);

  const search = (event) => {
    event.preventDefault();
    const params = new URLSearchParams(Object.entries(draft).filter(([, v]) => v));
    go(`/members${params.toString() ? `?${params}` : ''}`);
  };
  const exportExcel = () => {
    setExportError(null);
    download('/members/export', filters, `members-${today()}.xlsx`).catch(setExportError);
  };
  const writer = can(user, 'members.write');
  return html`<section>
    <div class="title-row">
      <h2>${t('nav.members')}</h2>
      <div class="actions">
        ${writer ? html`<a class="button" href="#/members/new">${t('members.register')}</a>
          <a class="button secondary" href="#/members/import">${t('members.import')}</a>` : null}
        <button type="button" class="secondary" onClick=${exportExcel}>${t('members.export')}</button>
      </div>
    </div>
    <${LoadError} error=${exportError} />
    <form class="filters" onSubmit=${search} role="search">
      <${Field} label=${t('members.search')} name="q">
        <input name="q" value=${draft.q} placeholder=${t('members.search_placeholder')}
          onInput=${(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
      <//>
      <${Field} label=${t('field.organisation_id')} name="organisation_id">
        <${OrgSelect} value=${draft.organisation_id} blank=${t('common.all')} onChange=${(v) => setDraft({ ...draft, organisation_id: v })} />
      <//>
      <${Field} label=${t('field.employment_form')} name="employment_form">
        <${EnumSelect} group="form" values=${FORMS} blank=${t('common.all')} value=${draft.employment_form}
          onChange=${(e) => setDraft({ ...draft, employment_form: e.currentTarget.value })} />
      <//>
      <${Field} label=${t('field.status')} name="status">
        <${EnumSelect} group="status" values=${STATUSES} blank=${t('common.all')} value=${draft.status}
          onChange=${(e) => setDraft({ ...draft, status: e.currentTarget.value })} />
      <//>
      <button type="submit">${t('common.search')}</button>
    </form>
    <${LoadError} error=${page.error} />
    ${page.loading && !page.data ? html`<${Loading} />` : null}
    ${page.data ? html`
      ${page.data.items.length ? html`<table class="list" data-testid="member-results">
        <thead><tr><th>${t('field.name')}</th><th>${t('field.id_number')}</th><th>${t('field.phone')}</th>
          <th>${t('field.organisation_id')}</th><th>${t('field.employment_form')}</th><th>${t('field.joined_on')}</th>
          <th>${t('field.status')}</th></tr></thead>
        <tbody>${page.data.items.map((m) => html`<tr>
          <td><a href=${`#/members/${m.id}`}>${m.name}</a></td><td class="mono">${m.id_number}</td>
          <td class="mono">${m.phone}</td><td>${organisationName(tree, m.organisation_id)}</td>
          <td>${label('form', m.employment_form)}</td><td>${day(m.joined_on)}</td>
          <td><${Badge} kind=${m.status}>${label('status', m.status)}<//></td></tr>`)}
        </tbody></table>` : html`<${Empty} text=${t('members.none_found')} />`}
      <${Pager} pager=${pager} nextCursor=${page.data.next_cursor} />` : null}
  </section>`;
}

const memberChecks = {
  name: requiredProblem,
  id_number: (v) => residentIdProblem(v),
  phone: (v) => mobileProblem(v),
  organisation_id: requiredProblem,
  employment_form: requiredProblem,
  joined_on: (v) => dateProblem(v) || (v > today() ? ['v.not_future'] : null),
};

export function RegisterPage({ query }) {
  const form = useForm({
    name: '', id_number: '', phone: '', organisation_id: query.get('organisation_id') || '',
    employment_form: 'standard', occupation: '', joined_on: today(),
  }, memberChecks);
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => {
      const body = { ...values, name: values.name.trim(), id_number: values.id_number.trim().toUpperCase() };
      if (!body.occupation) delete body.occupation;
      const member = await post('/members', body);
      forgetOrganisations();
      go(`/members/${member.id}`);
    });
  };
  const shown = Object.keys(memberChecks).concat('occupation');
  return html`<section>
    <h2>${t('members.register')}</h2>
    <form class="card form-grid" onSubmit=${submit} novalidate data-testid="register-form">
      <${FormError} form=${form} shown=${shown} />
      <${Field} label=${t('field.name')} name="name" errors=${form.errors}><input ...${form.bind('name')} /><//>
      <${Field} label=${t('field.id_number')} name="id_number" errors=${form.errors} hint=${t('members.id_hint')}>
        <input ...${form.bind('id_number')} maxlength="18" class="mono" autocomplete="off" />
      <//>
      <${Field} label=${t('field.phone')} name="phone" errors=${form.errors}><input ...${form.bind('phone')} inputmode="tel" class="mono" /><//>
      <${Field} label=${t('field.organisation_id')} name="organisation_id" errors=${form.errors}>
        <${OrgSelect} value=${form.values.organisation_id} onChange=${(v) => form.set('organisation_id', v)} />
      <//>
      <${Field} label=${t('field.employment_form')} name="employment_form" errors=${form.errors}>
        <${EnumSelect} group="form" values=${FORMS} ...${form.bind('employment_form')} onChange=${(e) => form.set('employment_form', e.currentTarget.value)} />
      <//>
      <${Field} label=${t('field.occupation')} name="occupation" errors=${form.errors}><input ...${form.bind('occupation')} /><//>
      <${Field} label=${t('field.joined_on')} name="joined_on" errors=${form.errors}>
        <input ...${form.bind('joined_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" />
      <//>
      <div class="buttons">
        <button type="submit" disabled=${form.busy}>${t('members.register_submit')}</button>
        <a class="button secondary" href="#/members">${t('common.cancel')}</a>
      </div>
    </form>
  </section>`;
}

/** A section fed by another service: hidden when that service's route is not there or not ours to read. */
function useOptional(load, deps) {
  const state = useAsync(load, deps);
  const absent = state.error instanceof ApiError && [403, 404, 405].includes(state.error.status);
  return { ...state, absent };
}

function History({ member, tree }) {
  const events = [{ on: member.joined_on, text: t('history.joined', { org: organisationName(tree, member.organisation_id) }) }];
  for (const move of member.transfers || []) {
    events.push({ on: move.on, text: t('history.transferred', {
      from: organisationName(tree, move.from_organisation_id), to: organisationName(tree, move.to_organisation_id) }) });
  }
  for (const honour of member.honours || []) {
    events.push({ on: `${honour.year}`, text: t('history.honour', { title: honour.title, level: honour.level }) });
  }
  if (member.left_on) events.push({ on: member.left_on, text: t('history.left', { reason: member.left_reason || '' }) });
  events.sort((a, b) => String(a.on).localeCompare(String(b.on)));
  return html`<ol class="timeline" data-testid="history">${events.map((e) => html`<li><span class="when">${day(e.on)}</span> ${e.text}</li>`)}</ol>`;
}

function ElsewhereSections({ memberId }) {
  const cover = useOptional(() => get(`/members/${memberId}/cover`), [memberId]);
  const claims = useOptional(() => get('/mutual-aid/claims', { member_id: memberId, limit: 20 }), [memberId]);
  const crafts = useOptional(() => get(`/members/${memberId}/training-record`), [memberId]);
  const cases = useOptional(() => get('/dispute-cases', { member_id: memberId, limit: 20 }), [memberId]);
  const coverItems = cover.data ? cover.data.covers || [] : [];
  return html`
    ${cover.absent ? null : html`<div class="card" data-testid="cover"><h3>${t('member.cover')}</h3>
      ${cover.loading ? html`<${Loading} />` : cover.error ? html`<${LoadError} error=${cover.error} />` : coverItems.length
        ? html`<ul>${coverItems.map((c) => html`<li>${t('plan.name', { year: c.year })}：${day(c.enrolled_on)} — ${day(c.cover_ends_on)}
            ${c.covered_today ? html` <${Badge} kind="active">${t('member.covered_today')}<//>` : null}
            <div class="small muted">${t('claim.remaining_annual', { amount: yuan(c.remaining_annual_fen) })}</div></li>`)}</ul>`
        : html`<${Empty} text=${t('member.no_cover')} />`}</div>`}
    ${claims.absent ? null : html`<div class="card"><h3>${t('member.claims')}</h3>
      ${claims.loading ? html`<${Loading} />` : claims.error ? html`<${LoadError} error=${claims.error} />` : claims.data.items.length
        ? html`<table class="list"><tbody>${claims.data.items.map((c) => html`<tr><td>${day(c.incurred_on)}</td>
            <td>${label('claim_kind', c.kind)}</td><td>${yuan(c.amount_claimed_fen)}</td><td><${Badge} kind=${c.status}>${label('claim_status', c.status)}<//></td></tr>`)}</tbody></table>`
        : html`<${Empty} />`}</div>`}
    ${crafts.absent ? null : html`<div class="card" data-testid="training-record"><h3>${t('member.craftsman')}</h3>
      ${crafts.loading ? html`<${Loading} />` : crafts.error ? html`<${LoadError} error=${crafts.error} />`
        : html`<p>${crafts.data.level ? html`${label('level', crafts.data.level)}${crafts.data.level_since ? ` · ${day(crafts.data.level_since)}` : ''}` : t('member.no_level')}</p>
          <p class="small muted">${t('nomination.training_hours', { n: number(crafts.data.training_hours) })}</p>`}</div>`}
    ${cases.absent ? null : html`<div class="card"><h3>${t('member.cases')}</h3>
      ${cases.loading ? html`<${Loading} />` : cases.error ? html`<${LoadError} error=${cases.error} />` : cases.data.items.length
        ? html`<ul>${cases.data.items.map((c) => html`<li>${day(c.opened_on)} ${label('case_kind', c.kind)} · ${label('stage', c.status)}</li>`)}</ul>` : html`<${Empty} />`}</div>`}`;
}

function TransferForm({ member, onDone }) {
  const form = useForm({ to_organisation_id: '', on: today() }, {
    to_organisation_id: requiredProblem,
    on: (v) => dateProblem(v) || (v > today() ? ['v.not_future'] : null),
  });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => { onDone(await post(`/members/${member.id}/transfer`, values)); forgetOrganisations(); });
  };
  return html`<form class="card" onSubmit=${submit} novalidate data-testid="transfer-form">
    <h3>${t('member.transfer')}</h3>
    <${FormError} form=${form} shown=${['to_organisation_id', 'on']} />
    <${Field} label=${t('field.to_organisation_id')} name="to_organisation_id" errors=${form.errors}>
      <${OrgSelect} name="to_organisation_id" value=${form.values.to_organisation_id} onChange=${(v) => form.set('to_organisation_id', v)} />
    <//>
    <${Field} label=${t('field.on')} name="on" errors=${form.errors}><input ...${form.bind('on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
    <button type="submit" disabled=${form.busy}>${t('member.transfer_submit')}</button>
  </form>`;
}

function EditForm({ member, onDone }) {
  const form = useForm({ name: member.name, phone: member.phone, employment_form: member.employment_form,
    occupation: member.occupation || '' }, { name: requiredProblem, phone: (v) => (v === member.phone ? null : mobileProblem(v)) });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => {
      const changes = {};
      for (const key of ['name', 'phone', 'employment_form', 'occupation']) {
        if (values[key] !== (member[key] || '')) changes[key] = values[key];
      }
      onDone(Object.keys(changes).length ? await patch(`/members/${member.id}`, changes) : member);
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="edit-form">
    <h3>${t('member.edit')}</h3>
    <${FormError} form=${form} shown=${['name', 'phone', 'employment_form', 'occupation']} />
    <${Field} label=${t('field.name')} name="name" errors=${form.errors}><input ...${form.bind('name')} /><//>
    <${Field} label=${t('field.phone')} name="phone" errors=${form.errors} hint=${member.phone.includes('*') ? t('member.phone_masked') : null}>
      <input ...${form.bind('phone')} class="mono" /><//>
    <${Field} label=${t('field.employment_form')} name="employment_form" errors=${form.errors}>
      <${EnumSelect} group="form" values=${FORMS} ...${form.bind('employment_form')} onChange=${(e) => form.set('employment_form', e.currentTarget.value)} /><//>
    <${Field} label=${t('field.occupation')} name="occupation" errors=${form.errors}><input ...${form.bind('occupation')} /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div>
  </form>`;
}

function LeaveForm({ member, onDone }) {
  const form = useForm({ on: today(), reason: '' }, {
    on: (v) => dateProblem(v) || (v > today() ? ['v.not_future'] : null),
    reason: requiredProblem,
  });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => { onDone(await post(`/members/${member.id}/leave`, values)); forgetOrganisations(); });
  };
  return html`<form class="card" onSubmit=${submit} novalidate data-testid="leave-form">
    <h3>${t('member.leave')}</h3>
    <${FormError} form=${form} shown=${['on', 'reason']} />
    <${Field} label=${t('field.left_on')} name="on" errors=${form.errors}><input ...${form.bind('on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" /><//>
    <${Field} label=${t('field.reason')} name="reason" errors=${form.errors}><input ...${form.bind('reason')} /><//>
    <button type="submit" class="danger" disabled=${form.busy}>${t('member.leave_submit')}</button>
  </form>`;
}

// The titles the federation's reports count (劳动模范 is the model-worker figure); any other title may be typed.
const HONOUR_TITLES = ['劳动模范', '五一劳动奖章', '最美劳动者', '工人先锋号', '技术能手'];
const HONOUR_LEVELS = ['全国', '省级', '市级', '区县级'];

function HonourForm({ member, onDone }) {
  const form = useForm({ title: HONOUR_TITLES[0], level: '市级', year: String(new Date().getFullYear()) }, {
    title: requiredProblem, level: requiredProblem,
    year: (v) => (/^\d{4}$/.test(String(v ?? '').trim()) ? null : ['v.year']),
  });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (v) => {
      await post(`/members/${member.id}/honours`, { title: v.title.trim(), level: v.level.trim(), year: Number(v.year) });
      onDone();
    });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="honour-form">
    <h3>${t('member.honour')}</h3>
    <${FormError} form=${form} shown=${['title', 'level', 'year']} />
    <${Field} label=${t('field.honour_title')} name="title" errors=${form.errors}><input ...${form.bind('title')} list="honour-titles" />
      <datalist id="honour-titles">${HONOUR_TITLES.map((title) => html`<option value=${title} />`)}</datalist><//>
    <${Field} label=${t('field.honour_level')} name="level" errors=${form.errors}><input ...${form.bind('level')} list="honour-levels" />
      <datalist id="honour-levels">${HONOUR_LEVELS.map((level) => html`<option value=${level} />`)}</datalist><//>
    <${Field} label=${t('field.year')} name="year" errors=${form.errors}><input ...${form.bind('year')} inputmode="numeric" maxlength="4" /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div>
  </form>`;
}

export function MemberPage({ user, memberId }) {
  const member = useAsync(() => get(`/members/${memberId}`), [memberId]);
  const tree = useOrganisations();
  const [action, setAction] = useState(null);
  if (member.loading && !member.data) return html`<${Loading} />`;
  if (member.error) {
    return html`<section><h2>${t('member.title')}</h2><${LoadError} error=${member.error} />
      <a href="#/members">${t('common.back')}</a></section>`;
  }
  const m = member.data;
  const writer = can(user, 'members.write') && m.status === 'active';
  const done = () => { setAction(null); member.reload(); };
  return html`<section data-testid="member-page">
    <div class="title-row">
      <h2>${m.name} <${Badge} kind=${m.status}>${label('status', m.status)}<//></h2>
      <div class="actions">
        ${writer ? html`<button type="button" class="secondary" onClick=${() => setAction(action === 'edit' ? null : 'edit')}>${t('member.edit')}</button>
          <button type="button" class="secondary" onClick=${() => setAction(action === 'transfer' ? null : 'transfer')}>${t('member.transfer')}</button>
          <button type="button" class="secondary" onClick=${() => setAction(action === 'honour' ? null : 'honour')}>${t('member.honour')}</button>
          <button type="button" class="secondary" onClick=${() => setAction(action === 'leave' ? null : 'leave')}>${t('member.leave')}</button>` : null}
        <a class="button secondary" href="#/members">${t('common.back')}</a>
      </div>
    </div>
    ${action === 'transfer' ? html`<${TransferForm} member=${m} onDone=${done} />` : null}
    ${action === 'leave' ? html`<${LeaveForm} member=${m} onDone=${done} />` : null}
    ${action === 'edit' ? html`<${EditForm} member=${m} onDone=${done} />` : null}
    ${action === 'honour' ? html`<${HonourForm} member=${m} onDone=${done} />` : null}
    <div class="grid2">
      <div class="card"><h3>${t('member.details')}</h3>
        <dl class="facts">
          <dt>${t('field.id_number')}</dt><dd class="mono">${m.id_number}</dd>
          <dt>${t('field.phone')}</dt><dd class="mono">${m.phone}</dd>
          <dt>${t('field.organisation_id')}</dt><dd><a href=${`#/unions/${m.organisation_id}`}>${m.organisation_name || organisationName(tree, m.organisation_id)}</a></dd>
          <dt>${t('field.employment_form')}</dt><dd>${label('form', m.employment_form)}</dd>
          <dt>${t('field.occupation')}</dt><dd>${m.occupation || '—'}</dd>
          <dt>${t('field.joined_on')}</dt><dd>${day(m.joined_on)}</dd>
          ${m.left_on ? html`<dt>${t('field.left_on')}</dt><dd>${day(m.left_on)} ${m.left_reason || ''}</dd>` : null}
        </dl>
      </div>
      <div class="card"><h3>${t('member.history')}</h3><${History} member=${m} tree=${tree} /></div>
    </div>
    <div class="grid2"><${ElsewhereSections} memberId=${memberId} /></div>
  </section>`;
}

// ---- roster import

function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const csvCell = (value) => (/[",\n\r]/.test(String(value ?? '')) ? `"${String(value).replace(/"/g, '""')}"` : String(value ?? ''));

/** The rejected rows as CSV: the row's own cells (when the upload was a CSV) and why it was rejected. */
export function rejectedRowsCsv(errors, originalRows) {
  const header = originalRows && originalRows.length ? originalRows[0] : [];
  const lines = [[t('import.row'), t('import.field'), t('import.message'), ...header]];
  for (const error of errors) {
    const original = originalRows && originalRows[error.row - 1] ? originalRows[error.row - 1] : [];
    lines.push([error.row, error.field, error.message, ...original]);
  }
  return `\ufeff${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function ImportPage() {
  const [file, setFile] = useState(null);
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const original = useRef(null);
  useEffect(() => {
    if (!job || job.status === 'done' || job.status === 'failed') return undefined;
    const timer = setTimeout(() => get(`/members/imports/${job.id}`).then(setJob, setError), 400);
    return () => clearTimeout(timer);
  }, [job]);
  const start = async (event) => {
    event.preventDefault();
    if (!file) { setError(new ApiError(400, { errors: { file: [t('import.choose_file')] } })); return; }
    setBusy(true); setError(null); setJob(null);
    original.current = /\.csv$/i.test(file.name) ? csvRows(await file.text()) : null;
    try { setJob(await upload('/members/imports', file)); } catch (exc) { setError(exc); } finally { setBusy(false); }
    forgetOrganisations();
  };
  const total = job ? job.total || 0 : 0;
  const processed = job ? (job.processed ?? (job.imported + job.failed)) : 0;
  const percent = total ? Math.round((100 * processed) / total) : (job && job.status === 'done' ? 100 : 0);
  const fileErrors = error && error.errors && error.errors.file;
  return html`<section>
    <h2>${t('members.import')}</h2>
    <form class="card" onSubmit=${start} data-testid="import-form">
      <p class="muted">${t('import.intro')}</p>
      <${Field} label=${t('import.file')} name="file" errors=${fileErrors ? { file: fileErrors } : {}}>
        <input type="file" name="file" accept=".csv,.xlsx" onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
      <//>
      ${error && !fileErrors ? html`<${LoadError} error=${error} />` : null}
      <button type="submit" disabled=${busy}>${t('import.start')}</button>
    </form>
    ${job ? html`<div class="card" data-testid="import-progress">
      <h3>${t(`import.status.${job.status}`)}</h3>
      <div class="progress"><div class="bar" style=${`width:${percent}%`}></div></div>
      <p>${t('import.counts', { processed: number(processed), total: number(total), imported: number(job.imported), failed: number(job.failed) })}</p>
      ${job.errors && job.errors.length ? html`
        <button type="button" class="secondary" onClick=${() => saveBlob(new Blob([rejectedRowsCsv(job.errors, original.current)], { type: 'text/csv' }), `rejected-rows-${job.id}.csv`)}>
          ${t('import.download_rejected')}</button>
        <table class="list"><thead><tr><th>${t('import.row')}</th><th>${t('import.field')}</th><th>${t('import.message')}</th></tr></thead>
          <tbody>${job.errors.map((e) => html`<tr><td>${e.row}</td><td>${label('field', e.field)}</td><td>${serverText(e.message)}</td></tr>`)}</tbody></table>` : null}
    </div>` : null}
  </section>`;
}
