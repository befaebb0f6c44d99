// The same checks the server makes (services/chassis/identity.py), so a form can say so at once.
// Each returns null when the value is fine, else [message key, {vars}].
import { parseYuan } from './format.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PROVINCES = new Set([
  ...[11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46],
  ...[50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83],
].map(String));

export function residentIdCheckDigit(first17) {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(first17[i]) * WEIGHTS[i];
  return CHECK[total % 11];
}

export function residentIdProblem(value, todayText) {
  let id = String(value ?? '').trim();
  if (!id) return ['v.required'];
  if (id.length !== 18) return ['v.id_length', { n: id.length }];
  if (id.endsWith('x')) id = `${id.slice(0, 17)}X`;
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return ['v.id_chars'];
  if (!PROVINCES.has(id.slice(0, 2))) return ['v.id_province', { code: id.slice(0, 2) }];
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)].map(Number);
  const born = new Date(Date.UTC(y, m - 1, d));
  const shown = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    return ['v.id_birth_invalid', { date: shown }];
  }
  if (shown < '1900-01-01') return ['v.id_birth_early', { date: shown }];
  const now = todayText || new Date().toISOString().slice(0, 10);
  if (shown > now) return ['v.id_birth_future'];
  if (id[17] !== residentIdCheckDigit(id.slice(0, 17))) return ['v.id_check'];
  return null;
}

export function mobileProblem(value) {
  let phone = String(value ?? '').replace(/[\s-]+/g, '');
  if (!phone) return ['v.required'];
  if (phone.startsWith('+86')) phone = phone.slice(3);
  else if (phone.startsWith('86') && phone.length === 13) phone = phone.slice(2);
  return /^1[3-9][0-9]{9}$/.test(phone) ? null : ['v.mobile'];
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeProblem(value) {
  const code = String(value ?? '').trim().toUpperCase();
  if (!code) return ['v.required'];
  if (code.length !== 18) return ['v.credit_length', { n: code.length }];
  let total = 0;
  for (let i = 0; i < 18; i += 1) {
    const index = CREDIT_CHARS.indexOf(code[i]);
    if (index < 0) return ['v.credit_char', { c: code[i] }];
    if (i < 17) total += index * CREDIT_WEIGHTS[i];
  }
  return code[17] === CREDIT_CHARS[(31 - (total % 31)) % 31] ? null : ['v.credit_check'];
}

export function requiredProblem(value) {
  return String(value ?? '').trim() ? null : ['v.required'];
}

/** A day typed as YYYY-MM-DD that exists on the calendar. */
export function dateProblem(value) {
  const text = String(value ?? '').trim();
  if (!text) return ['v.required'];
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return ['v.date'];
  const [y, m, d] = match.slice(1).map(Number);
  const parsed = new Date(Date.UTC(y, m - 1, d));
  return parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d ? null : ['v.date'];
}

/** An amount typed in yuan (up to two decimals), as the server takes it in fen. */
export function amountProblem(value) {
  return parseYuan(value) === null ? ['v.amount'] : null;
}

/** A form's errors with the server's error on `fenField` shown on the yuan field the form has instead. */
export const withFenErrors = (errors, field, fenField) => ({ ...errors, [field]: errors[field] || errors[fenField] });

/** A whole number of people, copies, requests… (0 or more). */
export function countProblem(value) {
  return /^\d+$/.test(String(value ?? '').trim()) ? null : ['v.integer'];
}
