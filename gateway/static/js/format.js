// One place that formats for people: yuan from fen, dates as YYYY-MM-DD.

/** 123456 fen -> "¥1,234.56" */
export function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '—';
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${negative ? '-' : ''}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** "1234.5" -> 123450 fen; null when it is not an amount with at most two decimals. */
export function parseYuan(text) {
  const match = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? '').replace(/,/g, ''));
  if (!match) return null;
  return parseInt(match[1], 10) * 100 + parseInt((match[2] || '0').padEnd(2, '0'), 10);
}

export function fenToYuanInput(fen) {
  if (fen === null || fen === undefined) return '';
  return (fen / 100).toFixed(2);
}

const pad = (n) => String(n).padStart(2, '0');

function localDay(d) { return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`; }

/** A date or a timestamp as YYYY-MM-DD (timestamps in the browser's time zone). */
export function day(value) {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? String(value) : localDay(parsed);
}

/** A timestamp as YYYY-MM-DD HH:mm. */
export function dateTime(value) {
  if (!value) return '';
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) return String(value);
  return `${localDay(parsed)} ${pad(parsed.getHours())}:${pad(parsed.getMinutes())}`;
}

export function today() { return localDay(new Date()); }

export function number(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}
