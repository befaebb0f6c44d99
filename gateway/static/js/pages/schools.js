// Craftsman schools and the college (training): schools with their host union, courses with their sittings,
// members enrolled (a union sees and enrols its own), and attendance, which makes a member's training hours.
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { day, number, today } from '../format.js';
import { label, t } from '../i18n.js';
import { organisationName, useOrganisations } from '../orgs.js';
import { can } from '../roles.js';
import { EnumSelect, Empty, Field, FormError, html, useAsync, useForm } from '../ui.js';
import { countProblem, dateProblem, requiredProblem } from '../validate.js';
import { MemberPicker, OrgSelect } from '../widgets.js';
import { ListState, items } from './common.js';

const hoursProblem = (v) => (countProblem(v) || Number(v) < 1 || Number(v) > 24 ? ['v.hours'] : null);

function SchoolForm({ onDone }) {
  const blank = { name: '', kind: 'school', organisation_id: '', established_on: today() };
  const form = useForm(blank, { name: requiredProblem, organisation_id: requiredProblem, established_on: dateProblem });
  const submit = (e) => {
    e.preventDefault();
    form.submit(async (v) => { await post('/schools', v); form.setValues(blank); onDone(); });
  };
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="school-form"><h3>${t('school.new')}</h3>
    <${FormError} form=${form} shown=${['name', 'kind', 'organisation_id', 'established_on']} />
    <${Field} label=${t('field.name')} name="name" errors=${form.errors}><input ...${form.bind('name')} /><//>
    <${Field} label=${t('field.kind')} name="kind" errors=${form.errors}><${EnumSelect} group="school_kind" values=${['school', 'college']} ...${form.bind('kind')} onChange=${(e) => form.set('kind', e.currentTarget.value)} /><//>
    <${Field} label=${t('school.host')} name="organisation_id" errors=${form.errors}><${OrgSelect} value=${form.values.organisation_id} onChange=${(v) => form.set('organisation_id', v)} /><//>
    <${Field} label=${t('field.established_on')} name="established_on" errors=${form.errors}><input ...${form.bind('established_on')} class="date" maxlength="10" inputmode="numeric" /><//>
    <div class="buttons"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div></form>`;
}

/** One small form on one line: `fields` are [name, label key, check, input attributes]. */
function InlineForm({ testid, fields, initial, send, submitLabel }) {
  const form = useForm(initial, Object.fromEntries(fields.map(([name, , check]) => [name, check || (() => null)])));
  const submit = (e) => { e.preventDefault(); form.submit(async (v) => { await send(v); form.setValues(initial); }); };
  return html`<form class="filters" onSubmit=${submit} novalidate data-testid=${testid}>
    ${fields.map(([name, key, , attrs]) => html`<${Field} label=${t(key)} name=${name} errors=${form.errors}><input ...${form.bind(name)} ...${attrs || {}} /><//>`)}
    <button type="submit" disabled=${form.busy}>${submitLabel}</button><${FormError} form=${form} shown=${fields.map(([name]) => name)} /></form>`;
}

function Attendance({ course, enrolled, onDone }) {
  const [chosen, setChosen] = useState('');
  // The latest sitting until another is chosen (sittings may be added after this first renders).
  const sittingId = chosen || (course.sessions.length ? course.sessions[course.sessions.length - 1].id : '');
  const [present, setPresent] = useState(new Set());
  const act = useForm({}, {});
  const already = (e) => e.attended_session_ids.includes(sittingId);
  const toggle = (id) => setPresent((old) => { const next = new Set(old); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  const save = () => act.submit(async () => {
    await post(`/course-sessions/${sittingId}/attendance`, { member_ids: [...present] });
    setPresent(new Set()); onDone();
  });
  if (!course.sessions.length || !enrolled.length) return null;
  return html`<div class="card" data-testid="attendance"><h4>${t('school.attendance')}</h4>
    <label class="inline">${t('school.sitting')}<select name="sitting" value=${sittingId} onChange=${(e) => { setChosen(e.currentTarget.value); setPresent(new Set()); }}>
      ${course.sessions.map((s) => html`<option value=${s.id}>${day(s.held_on)} · ${s.topic || ''} (${t('school.hours_n', { n: s.hours })})</option>`)}</select></label>
    <div class="checklist">${enrolled.map((e) => html`<label class="inline"><input type="checkbox" name="present" value=${e.member_id}
      checked=${already(e) || present.has(e.member_id)} disabled=${already(e)} onChange=${() => toggle(e.member_id)} />${e.member_name || `#${e.member_id}`}</label> `)}</div>
    <${FormError} form=${act} />
    <div class="buttons"><button type="button" disabled=${act.busy || !present.size} onClick=${save}>${t('school.mark_present', { n: present.size })}</button></div></div>`;
}

function Course({ user, course, onChange }) {
  const enrolments = useAsync(() => get(`/courses/${course.id}/enrolments`), [course.id, course.sessions.length]);
  const enrolled = items(enrolments.data);
  const reload = () => { enrolments.reload(); onChange(); };
  const enrolling = useForm({ member_id: '' }, { member_id: requiredProblem });
  const enrol = (e) => {
    e.preventDefault();
    enrolling.submit(async (v) => { await post(`/courses/${course.id}/enrolments`, v); enrolling.setValues({ member_id: '' }); reload(); });
  };
  return html`<div class="card" data-course=${course.id}><h3>${course.title}</h3>
    <p class="small muted">${t('school.sittings')}: ${course.sessions.length ? course.sessions.map((s) => `${day(s.held_on)} ${s.topic || ''}（${t('school.hours_n', { n: s.hours })}）`).join('；') : '—'}</p>
    ${can(user, 'training.write') ? html`<${InlineForm} testid="sitting-form" submitLabel=${t('school.add_sitting')} initial=${{ held_on: today(), hours: '', topic: '' }}
      fields=${[['held_on', 'field.held_on', dateProblem, { class: 'date', maxlength: 10 }], ['hours', 'school.hours', hoursProblem, { inputmode: 'numeric' }], ['topic', 'school.topic']]}
      send=${async (v) => { await post(`/courses/${course.id}/sessions`, { held_on: v.held_on, hours: Number(v.hours), topic: v.topic || null }); onChange(); }} />` : null}
    <${ListState} state=${enrolments}>${() => (enrolled.length ? html`<table class="list" data-testid="enrolled">
      <thead><tr><th>${t('field.member_id')}</th><th>${t('school.enrolled_on')}</th><th class="num">${t('school.attended')}</th><th class="num">${t('school.hours')}</th></tr></thead>
      <tbody>${enrolled.map((e) => html`<tr><td><a href=${`#/members/${e.member_id}`}>${e.member_name || `#${e.member_id}`}</a></td><td>${day(e.enrolled_on)}</td>
        <td class="num">${number(e.attended_session_ids.length)} / ${number(course.sessions.length)}</td><td class="num">${number(e.hours)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} text=${t('school.nobody')} />`)}<//>
    ${can(user, 'training.write') ? html`<${Attendance} course=${course} enrolled=${enrolled} onDone=${reload} />` : null}
    ${can(user, 'training.nominate') ? html`<form class="filters" onSubmit=${enrol} novalidate data-testid="enrol-form">
      <${Field} label=${t('school.enrol')} name="member_id" errors=${enrolling.errors}><${MemberPicker} value=${enrolling.values.member_id} onChange=${(v) => enrolling.set('member_id', v)} /><//>
      <button type="submit" disabled=${enrolling.busy}>${t('common.save')}</button><${FormError} form=${enrolling} shown=${['member_id']} /></form>` : null}
  </div>`;
}

function School({ user, id }) {
  const school = useAsync(() => get(`/schools/${id}`), [id]);
  const tree = useOrganisations();
  return html`<div data-testid="school"><p><a href="#/training/schools">← ${t('school.all')}</a></p>
    <${ListState} state=${school}>${(s) => html`<h3>${s.name}</h3>
      <p class="small muted">${label('school_kind', s.kind)} · ${organisationName(tree, s.organisation_id)} · ${day(s.established_on)}</p>
      ${can(user, 'training.write') ? html`<${InlineForm} testid="course-form" submitLabel=${t('school.add_course')} initial=${{ title: '' }}
        fields=${[['title', 'school.course_title', requiredProblem]]} send=${async (v) => { await post(`/schools/${id}/courses`, v); school.reload(); }} />` : null}
      ${(s.courses || []).length ? s.courses.map((c) => html`<${Course} key=${c.id} user=${user} course=${c} onChange=${school.reload} />`) : html`<${Empty} />`}`}<//>
  </div>`;
}

export function Schools({ user, query }) {
  const id = query.get('school');
  const [version, setVersion] = useState(0);
  const list = useAsync(() => (id ? Promise.resolve(null) : get('/schools', { limit: 200 })), [id, version]);
  const tree = useOrganisations();
  if (id) return html`<${School} user=${user} id=${id} />`;
  return html`<div>
    ${can(user, 'training.write') ? html`<${SchoolForm} onDone=${() => setVersion(version + 1)} />` : null}
    <${ListState} state=${list}>${(data) => (items(data).length ? html`<table class="list" data-testid="schools">
      <thead><tr><th>${t('field.name')}</th><th>${t('field.kind')}</th><th>${t('school.host')}</th><th>${t('field.established_on')}</th></tr></thead>
      <tbody>${items(data).map((s) => html`<tr><td><a href=${`#/training/schools?school=${s.id}`}>${s.name}</a></td><td>${label('school_kind', s.kind)}</td>
        <td>${organisationName(tree, s.organisation_id)}</td><td>${day(s.established_on)}</td></tr>`)}</tbody></table>`
      : html`<${Empty} />`)}<//>
  </div>`;
}
