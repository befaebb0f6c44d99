// Unions: the tree with member counts, one union's page, and registering a union.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { day, number, today } from '../format.js';
import { label, t } from '../i18n.js';
import { forgetOrganisations, organisations } from '../orgs.js';
import { can } from '../roles.js';
import { EnumSelect, Field, FormError, LoadError, Loading, go, html, useAsync, useForm } from '../ui.js';
import { creditCodeProblem, dateProblem, requiredProblem } from '../validate.js';
import { OrgSelect } from '../widgets.js';

const KINDS = ['federation', 'industry_federation', 'grassroots'];
const SIZES = ['micro', 'small', 'medium', 'large'];

function Node({ org, tree, open, toggle, selected, filter }) {
  const children = tree.children(org.id);
  const expanded = open.has(org.id) || Boolean(filter);
  return html`<li>
    <div class=${`node${selected === org.id ? ' selected' : ''}`}>
      ${children.length ? html`<button type="button" class="twisty" aria-label=${t('unions.expand')} onClick=${() => toggle(org.id)}>${expanded ? '▾' : '▸'}</button>` : html`<span class="twisty"></span>`}
      <a href=${`#/unions/${org.id}`}>${org.name}</a>
      <span class="muted small">${label('kind', org.kind)}</span>
      <span class="count" title=${t('unions.members_total')}>${number(org.members_total)}</span>
    </div>
    ${expanded && children.length ? html`<ul>${children.map((child) => html`<${Node} org=${child} tree=${tree} open=${open} toggle=${toggle} selected=${selected} filter=${filter} />`)}</ul>` : null}
  </li>`;
}

function matches(tree, org, filter) {
  if (org.name.includes(filter)) return true;
  return tree.children(org.id).some((child) => matches(tree, child, filter));
}

function OrganisationForm({ parentId, onDone }) {
  const form = useForm({ name: '', kind: 'grassroots', parent_id: parentId || '', established_on: today(),
    employer_name: '', credit_code: '', size: 'small' }, {
    name: requiredProblem,
    established_on: dateProblem,
    credit_code: (v, all) => (all && all.employer_name ? creditCodeProblem(v) : null),
  });
  const submit = (event) => {
    event.preventDefault();
    form.submit(async (values) => {
      const body = { name: values.name.trim(), kind: values.kind, established_on: values.established_on };
      if (values.parent_id) body.parent_id = values.parent_id;
      if (values.employer_name) body.employer = { name: values.employer_name, credit_code: values.credit_code.trim().toUpperCase(), size: values.size };
      const org = await post('/organisations', body);
      forgetOrganisations();
      onDone(org);
    });
  };
  const errors = { ...form.errors };
  for (const [from, to] of [['employer.name', 'employer_name'], ['employer.credit_code', 'credit_code'], ['employer.size', 'size']]) {
    if (errors[from]) errors[to] = errors[from];
  }
  return html`<form class="card form-grid" onSubmit=${submit} novalidate data-testid="organisation-form">
    <h3 class="wide">${t('unions.create')}</h3>
    <${FormError} form=${form} shown=${['name', 'kind', 'parent_id', 'established_on', 'employer.name', 'employer.credit_code', 'employer.size', 'credit_code']} />
    <${Field} label=${t('field.name')} name="name" errors=${errors}><input ...${form.bind('name')} /><//>
    <${Field} label=${t('field.kind')} name="kind" errors=${errors}>
      <${EnumSelect} group="kind" values=${KINDS} ...${form.bind('kind')} onChange=${(e) => form.set('kind', e.currentTarget.value)} />
    <//>
    <${Field} label=${t('field.parent_id')} name="parent_id" errors=${errors}>
      <${OrgSelect} name="parent_id" value=${form.values.parent_id} blank=${t('unions.no_parent')} kinds=${['federation', 'industry_federation']} onChange=${(v) => form.set('parent_id', v)} />
    <//>
    <${Field} label=${t('field.established_on')} name="established_on" errors=${errors}>
      <input ...${form.bind('established_on')} class="date" placeholder="YYYY-MM-DD" maxlength="10" inputmode="numeric" />
    <//>
    <${Field} label=${t('field.employer_name')} name="employer_name" errors=${errors} hint=${t('unions.employer_hint')}><input ...${form.bind('employer_name')} /><//>
    <${Field} label=${t('field.credit_code')} name="credit_code" errors=${errors}><input ...${form.bind('credit_code')} maxlength="18" class="mono" /><//>
    <${Field} label=${t('field.size')} name="size" errors=${errors}>
      <${EnumSelect} group="size" values=${SIZES} ...${form.bind('size')} onChange=${(e) => form.set('size', e.currentTarget.value)} />
    <//>
    <div class="buttons wide"><button type="submit" disabled=${form.busy}>${t('common.save')}</button></div>
  </form>`;
}

function Detail({ organisationId, tree, user }) {
  const org = useAsync(() => get(`/organisations/${organisationId}`), [organisationId]);
  if (org.loading && !org.data) return html`<${Loading} />`;
  if (org.error) return html`<${LoadError} error=${org.error} />`;
  const o = org.data;
  const parent = o.parent_id && tree.byId.get(o.parent_id);
  return html`<div class="card" data-testid="organisation-detail">
    <h3>${o.name}</h3>
    <dl class="facts">
      <dt>${t('field.kind')}</dt><dd>${label('kind', o.kind)}</dd>
      <dt>${t('field.parent_id')}</dt><dd>${parent ? html`<a href=${`#/unions/${parent.id}`}>${parent.name}</a>` : '—'}</dd>
      <dt>${t('field.established_on')}</dt><dd>${day(o.established_on)}</dd>
      ${o.employer ? html`<dt>${t('field.employer_name')}</dt><dd>${o.employer.name} (${label('size', o.employer.size)})</dd>
        <dt>${t('field.credit_code')}</dt><dd class="mono">${o.employer.credit_code}</dd>` : null}
      <dt>${t('unions.members_here')}</dt><dd>${number(o.members)}</dd>
      <dt>${t('unions.members_total')}</dt><dd data-testid="members-total">${number(o.members_total)}</dd>
    </dl>
    <div class="buttons">
      <a class="button secondary" href=${`#/members?organisation_id=${o.id}`}>${t('unions.view_members')}</a>
      ${can(user, 'members.write') ? html`<a class="button secondary" href=${`#/members/new?organisation_id=${o.id}`}>${t('members.register')}</a>` : null}
    </div>
  </div>`;
}

export function UnionsPage({ user, organisationId }) {
  const [version, setVersion] = useState(0);
  const tree = useAsync(() => organisations(), [version]);
  const [open, setOpen] = useState(new Set());
  useEffect(() => {
    // The top of the tree and the way down to the chosen union start open.
    if (!tree.data) return;
    const start = new Set(tree.data.roots.map((org) => org.id));
    for (let org = tree.data.byId.get(organisationId); org; org = tree.data.byId.get(org.parent_id)) start.add(org.parent_id);
    setOpen((old) => new Set([...old, ...start]));
  }, [tree.data, organisationId]);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const toggle = (id) => setOpen((old) => { const next = new Set(old); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  if (tree.loading && !tree.data) return html`<${Loading} />`;
  if (tree.error) return html`<${LoadError} error=${tree.error} />`;
  const data = tree.data;
  const roots = filter ? data.roots.filter((org) => matches(data, org, filter)) : data.roots;
  const total = data.roots.reduce((sum, org) => sum + (org.members_total || 0), 0);
  return html`<section>
    <div class="title-row">
      <h2>${t('nav.unions')}</h2>
      <div class="actions">${can(user, 'members.write') ? html`<button type="button" onClick=${() => setCreating(!creating)}>${t('unions.create')}</button>` : null}</div>
    </div>
    ${creating ? html`<${OrganisationForm} parentId=${organisationId} onDone=${(org) => { setCreating(false); setVersion(version + 1); go(`/unions/${org.id}`); }} />` : null}
    <p class="muted">${t('unions.summary', { unions: number(data.list.length), members: number(total) })}</p>
    <div class="grid2">
      <div class="card">
        <input class="filter" placeholder=${t('unions.filter')} value=${filter} onInput=${(e) => setFilter(e.currentTarget.value.trim())} />
        <ul class="tree" data-testid="union-tree">${roots.map((org) => html`<${Node} org=${org} tree=${data} open=${open} toggle=${toggle} selected=${organisationId} filter=${filter} />`)}</ul>
      </div>
      <div>${organisationId ? html`<${Detail} organisationId=${organisationId} tree=${data} user=${user} />` : html`<p class="muted">${t('unions.pick')}</p>`}</div>
    </div>
  </section>`;
}
