// The organisations the signed-in user may see, kept once and refreshed after changes.
import { useEffect, useState } from 'preact/hooks';
import { getAll } from './api.js';

let cached = null;

export function forgetOrganisations() { cached = null; }

/** {list, byId, roots, children(id), depth(id)} */
export async function organisations() {
  if (!cached) {
    cached = getAll('/organisations').then(index, (error) => { cached = null; throw error; });
  }
  return cached;
}

function index(list) {
  const byId = new Map(list.map((org) => [org.id, org]));
  const children = new Map();
  const roots = [];
  for (const org of list) {
    if (org.parent_id && byId.has(org.parent_id)) {
      if (!children.has(org.parent_id)) children.set(org.parent_id, []);
      children.get(org.parent_id).push(org);
    } else {
      roots.push(org);
    }
  }
  const depth = new Map();
  const ordered = [];
  const walk = (org, level) => {
    depth.set(org.id, level);
    ordered.push(org);
    for (const child of children.get(org.id) || []) walk(child, level + 1);
  };
  roots.forEach((org) => walk(org, 0));
  return { list, ordered, byId, roots, children: (id) => children.get(id) || [], depth: (id) => depth.get(id) || 0 };
}

export function organisationName(tree, id) {
  if (!id) return '';
  const org = tree && tree.byId.get(String(id));
  return org ? org.name : `#${id}`;
}

/** The organisation tree for a page (null while loading or when it cannot be read). */
export function useOrganisations() {
  const [tree, setTree] = useState(null);
  useEffect(() => { organisations().then(setTree, () => setTree(null)); }, []);
  return tree;
}
