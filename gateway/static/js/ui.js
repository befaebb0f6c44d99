// Small shared pieces: html``, forms that keep what was typed and show errors by field, tables, paging.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { errorTitle, label, problemText, serverText, t } from './i18n.js';

export const html = htm.bind(h);

/** Load something; `reload()` loads again. Errors are kept, not thrown. */
export function useAsync(load, deps) {
  const [state, setState] = useState({ loading: true, data: undefined, error: null });
  const generation = useRef(0);
  const run = useCallback(() => {
    generation.current += 1;
    const mine = generation.current;
    setState((old) => ({ ...old, loading: true }));
    Promise.resolve().then(load).then(
      (data) => { if (mine === generation.current) setState({ loading: false, data, error: null }); },
      (error) => { if (mine === generation.current) setState({ loading: false, data: undefined, error }); },
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/**
 * A form's state: values (never cleared on an error), client checks per field,
 * and the server's field errors shown next to the fields.
 */
export function useForm(initial, checks = {}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);

  const set = (name, value) => {
    setValues((old) => ({ ...old, [name]: value }));
    setErrors((old) => {
      if (!(name in old)) return old;
      const next = { ...old };
      const problem = checks[name] && checks[name](value);
      if (problem) next[name] = [problemText(problem)]; else delete next[name];
      return next;
    });
  };

  const checkField = (name) => {
    const problem = checks[name] && checks[name](values[name], values);
    setErrors((old) => {
      const next = { ...old };
      if (problem) next[name] = [problemText(problem)]; else delete next[name];
      return next;
    });
  };

  const bind = (name) => ({
    name,
    value: values[name] ?? '',
    onInput: (event) => set(name, event.currentTarget.value),
    onBlur: () => checkField(name),
    'aria-invalid': errors[name] ? 'true' : undefined,
  });

  /** Runs the client checks, then `action`; a server error is spread over the fields. */
  const submit = async (action) => {
    const found = {};
    for (const [name, check] of Object.entries(checks)) {
      const problem = check(values[name], values);
      if (problem) found[name] = [problemText(problem)];
    }
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) return undefined;
    setBusy(true);
    try {
      return await action(values);
    } catch (error) {
      const fields = {};
      for (const [name, list] of Object.entries(error.errors || {})) fields[name] = list.map(serverText);
      setErrors(fields);
      setFailure(error);
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  return { values, setValues, set, errors, setErrors, failure, setFailure, busy, bind, submit };
}

/** A labelled control with its error underneath. */
export function Field({ label: text, name, errors, hint, children, wide }) {
  const list = (errors && errors[name]) || [];
  return html`<label class=${`field${wide ? ' wide' : ''}${list.length ? ' invalid' : ''}`} data-field=${name}>
    <span class="label">${text}</span>
    ${children}
    ${hint && !list.length ? html`<span class="hint">${hint}</span>` : null}
    ${list.map((message) => html`<span class="field-error" role="alert">${message}</span>`)}
  </label>`;
}

/** What went wrong with a form as a whole, and field errors no field on the form shows. */
export function FormError({ form, shown = [] }) {
  const { failure, errors } = form;
  if (!failure) return null;
  const others = Object.entries(errors).filter(([name]) => !shown.includes(name));
  return html`<div class="form-error" role="alert">
    <strong>${errorTitle(failure)}</strong>
    ${!Object.keys(failure.errors || {}).length && failure.detail && failure.status !== 0
      ? html`<span> ${serverText(failure.detail)}</span>` : null}
    ${others.length ? html`<ul>${others.map(([name, list]) => html`<li>${fieldName(name)}: ${list.join('; ')}</li>`)}</ul>` : null}
    ${failure.requestId && failure.status >= 500 ? html`<div class="muted">${t('error.request_id')}: ${failure.requestId}</div>` : null}
  </div>`;
}

export function fieldName(name) { return label('field', name); }

/** An error while loading a page or a section. */
export function LoadError({ error }) {
  if (!error) return null;
  return html`<div class="form-error" role="alert"><strong>${errorTitle(error)}</strong>
    ${error.detail && error.status !== 0 ? html` <span>${serverText(error.detail)}</span>` : null}</div>`;
}

export function Loading() { return html`<div class="loading">${t('common.loading')}</div>`; }

export function Empty({ text }) { return html`<div class="empty">${text || t('common.none')}</div>`; }

/** Select from enum values with their labels. */
export function EnumSelect({ group, values, blank, ...rest }) {
  return html`<select ...${rest}>
    ${blank !== undefined ? html`<option value="">${blank}</option>` : null}
    ${values.map((value) => html`<option value=${value}>${label(group, value)}</option>`)}
  </select>`;
}

/** Cursor paging: the cursors of the pages before this one are kept so "previous" works. */
export function usePager(resetKey) {
  const [stack, setStack] = useState([undefined]);
  useEffect(() => setStack([undefined]), [resetKey]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (nextCursor) => setStack((old) => [...old, nextCursor]),
    prev: () => setStack((old) => (old.length > 1 ? old.slice(0, -1) : old)),
  };
}

export function Pager({ pager, nextCursor }) {
  return html`<div class="pager">
    <button type="button" class="secondary" disabled=${pager.page <= 1} onClick=${pager.prev}>${t('common.prev')}</button>
    <span>${t('common.page', { n: pager.page })}</span>
    <button type="button" class="secondary" disabled=${!nextCursor} onClick=${() => pager.next(nextCursor)}>${t('common.next')}</button>
  </div>`;
}

export function Tabs({ tabs, current, onChange }) {
  return html`<nav class="tabs">${tabs.map(([key, text]) => html`
    <button type="button" class=${key === current ? 'tab active' : 'tab'} aria-pressed=${key === current ? 'true' : 'false'}
      onClick=${() => onChange(key)}>${text}</button>`)}
  </nav>`;
}

export function Badge({ kind, children }) { return html`<span class=${`badge ${kind || ''}`}>${children}</span>`; }

/** Navigate inside the client (hash routing). */
export function go(path) { window.location.hash = `#${path}`; }
