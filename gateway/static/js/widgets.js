// Pieces several pages share that load data: choosing an organisation or a member.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { t } from './i18n.js';
import { organisations } from './orgs.js';
import { html } from './ui.js';

/** A <select> of the organisations the user may see, indented as the tree. */
export function OrgSelect({ value, onChange, blank, name = 'organisation_id', kinds, ...rest }) {
  const [tree, setTree] = useState(null);
  useEffect(() => { organisations().then(setTree, () => setTree({ ordered: [], depth: () => 0 })); }, []);
  const list = tree ? tree.ordered.filter((org) => !kinds || kinds.includes(org.kind)) : [];
  return html`<select name=${name} value=${value || ''} onChange=${(e) => onChange(e.currentTarget.value)} ...${rest}>
    <option value="">${blank || t('common.choose')}</option>
    ${list.map((org) => html`<option value=${org.id}>${'\u3000'.repeat(tree.depth(org.id))}${org.name}</option>`)}
  </select>`;
}

/** Find a member by name, ID number or phone and pick one. */
export function MemberPicker({ value, onChange, name = 'member_id' }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [chosen, setChosen] = useState(null);
  useEffect(() => {
    if (!q.trim()) { setFound([]); return undefined; }
    const timer = setTimeout(() => {
      get('/members', { q: q.trim(), status: 'active', limit: 8 }).then((page) => setFound(page.items), () => setFound([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  useEffect(() => { if (!value) setChosen(null); }, [value]);
  if (value && chosen) {
    return html`<div class="picked" data-field-control=${name}>
      <span>${chosen.name} · ${chosen.id_number}</span>
      <button type="button" class="link" onClick=${() => { setChosen(null); onChange(''); }}>${t('common.change')}</button>
    </div>`;
  }
  return html`<div class="picker">
    <input name=${`${name}_search`} placeholder=${t('members.search_placeholder')} value=${q}
      onInput=${(e) => setQ(e.currentTarget.value)} autocomplete="off" />
    ${found.length ? html`<ul class="choices">${found.map((m) => html`<li>
      <button type="button" class="link" onClick=${() => { setChosen(m); onChange(m.id); setQ(''); setFound([]); }}>
        ${m.name} · ${m.id_number} · ${m.phone}</button></li>`)}</ul>` : null}
  </div>`;
}
