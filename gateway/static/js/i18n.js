import { yuan } from './format.js';

// Chinese first, English on request. Every text the client shows comes from i18n.json
// ([zh, en] per key); messages the server sends in English are translated by pattern.
let messages = {};
let serverPatterns = [];
let language = localStorage.getItem('union.lang') === 'en' ? 'en' : 'zh';
const missing = new Set();
window.__i18nMissing = missing; // the browser tests check that no key is missing

export async function loadMessages() {
  const response = await fetch('/static/i18n.json');
  const data = await response.json();
  messages = data.messages;
  serverPatterns = data.server.map(([pattern, zh]) => [new RegExp(`^${pattern}$`), zh]);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

export const lang = () => language;

export function setLang(value) {
  language = value === 'en' ? 'en' : 'zh';
  localStorage.setItem('union.lang', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}

export function has(key) { return key in messages; }

export function t(key, vars) {
  const entry = messages[key];
  if (!entry) { missing.add(key); return key; }
  let text = entry[language === 'zh' ? 0 : 1];
  if (vars) text = text.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] ?? whole));
  return text;
}

/** An enum value's label, e.g. label('kind', 'grassroots'); the value itself if unknown. */
export function label(group, value) {
  if (value === null || value === undefined || value === '') return '';
  return has(`${group}.${value}`) ? t(`${group}.${value}`) : String(value);
}

/** A problem [key, vars] from validate.js as text. */
export const problemText = (problem) => (problem ? t(problem[0], problem[1]) : '');

/** A message from the server (English) in the current language. */
export function serverText(message) {
  if (!message) return message;
  // The server counts money in fen; people read yuan.
  const money = (text) => text.replace(/\[fen:(\d+)\]|\b(\d+) fen\b/g, (whole, a, b) => yuan(Number(a ?? b)));
  if (language === 'en') return money(message);
  for (const [pattern, zh] of serverPatterns) {
    const match = pattern.exec(message);
    if (match) return money(zh.replace(/\$(\d)/g, (whole, i) => match[Number(i)] ?? ''));
  }
  const named = /^([a-z_][a-z_.]*): (.+)$/.exec(message); // "field: message"
  if (named) return `${label('field', named[1])}：${serverText(named[2])}`;
  return message;
}

/** The headline of an ApiError, by status. */
export function errorTitle(error) {
  if (!error) return '';
  if (error.status === 0) return t('error.network');
  const key = `error.${error.status}`;
  return has(key) ? t(key) : t('error.other', { status: error.status });
}
