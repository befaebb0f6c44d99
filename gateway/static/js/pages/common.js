// Pieces the welfare, training and rights pages share.
import { ApiError } from '../api.js';
import { t } from '../i18n.js';
import { LoadError, Loading, html } from '../ui.js';

/** A list that may not exist yet on this gateway (a service still to come): says so instead of failing. */
export function ListState({ state, children }) {
  if (state.loading && !state.data) return html`<${Loading} />`;
  if (state.error instanceof ApiError && [404, 405].includes(state.error.status) && !state.error.detail?.includes('not found')) {
    return html`<div class="empty">${t('common.not_available')}</div>`;
  }
  if (state.error) return html`<${LoadError} error=${state.error} />`;
  return children(state.data);
}

export const items = (data) => (Array.isArray(data) ? data : (data && data.items) || []);

/** One link of a row choosing a list's filter: the chosen one looks pressed and says so to screen readers. */
export function FilterLink({ chosen, status, href, children }) {
  return html`<a class=${chosen ? 'button' : 'button secondary'} aria-current=${chosen ? 'true' : null}
    data-status=${status} href=${href}>${children}</a>`;
}
