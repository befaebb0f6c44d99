// Members' names and cover as welfare sees them (its own copy of the members), for the welfare pages.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';

/** Each member's cover (name, caps left) for a page of claims: one request per member on the page. */
export function useCovers(memberIds) {
  const [covers, setCovers] = useState({});
  const key = [...new Set(memberIds)].sort().join(',');
  useEffect(() => {
    let live = true;
    Promise.all(key ? key.split(',').map((id) => get(`/members/${id}/cover`).then((c) => [id, c], () => [id, null])) : [])
      .then((pairs) => { if (live) setCovers(Object.fromEntries(pairs)); });
    return () => { live = false; };
  }, [key]);
  return covers;
}
