/**
 * Zeek's log formats for the records of ./zeek.ts: the ASCII (TSV) writer — header lines
 * `#separator \x09`, `#set_separator ,`, `#empty_field (empty)`, `#unset_field -`, `#path`, `#open`,
 * `#fields`, `#types`, one line per record, `#close` — and the JSON writer (one object per line,
 * unset fields left out, `ts` as epoch seconds). Values follow Zeek's conventions: bools `T`/`F`,
 * empty strings and vectors `(empty)`, vector elements joined by `,` with `,` inside an element
 * written `\x2c`, tabs and non-printable bytes `\xHH`, a value that equals `-` or `(empty)` escaped.
 */
import type { ConnectionModel } from '../analysis/model.js';
import { SSL_FIELDS, sslRecord, X509_FIELDS, x509Records, X509Seen, type ZeekField, type ZeekValue } from './zeek.js';

const SEP = '\t';
const SET_SEP = ',';
const EMPTY = '(empty)';
const UNSET = '-';

function hex(ch: string): string {
  const c = ch.charCodeAt(0);
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`;
}

// tab, the set separator (only inside vectors), backslash, C0 and C1 controls, DEL and bidi
// controls: nothing from the wire reaches a terminal or a log parser unescaped
// eslint-disable-next-line no-control-regex
const ESCAPE_FIELD = /[\t\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const ESCAPE_ELEMENT = /[\t,\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeString(s: string, inVector: boolean): string {
  if (s === '') return EMPTY;
  if (s === UNSET || s === EMPTY) return s.split('').map(hex).join('');
  const re = inVector ? ESCAPE_ELEMENT : ESCAPE_FIELD;
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, (c) => (c === '\\' ? '\\\\' : hex(c))) : s;
}

export function tsvValue(v: ZeekValue): string {
  if (v === undefined) return UNSET;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? EMPTY : v.map((x) => escapeString(x, true)).join(SET_SEP);
  return escapeString(v, false);
}

export function tsvLine(values: readonly ZeekValue[]): string {
  return `${values.map(tsvValue).join(SEP)}\n`;
}

/** Zeek's `#open` / `#close` time stamp: local time, %Y-%m-%d-%H-%M-%S. */
export function zeekLogTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

export function tsvHeader(path: string, fields: readonly ZeekField[], opened: Date): string {
  return [
    '#separator \\x09',
    `#set_separator${SEP}${SET_SEP}`,
    `#empty_field${SEP}${EMPTY}`,
    `#unset_field${SEP}${UNSET}`,
    `#path${SEP}${path}`,
    `#open${SEP}${zeekLogTime(opened)}`,
    `#fields${SEP}${fields.map((f) => f[0]).join(SEP)}`,
    `#types${SEP}${fields.map((f) => f[1]).join(SEP)}`,
  ].join('\n') + '\n';
}

export function tsvFooter(closed: Date): string {
  return `#close${SEP}${zeekLogTime(closed)}\n`;
}

/** One JSON log line; `stringify` is the caller's JSON.stringify (terminal-safe escaping). */
export function jsonLine(fields: readonly ZeekField[], values: readonly ZeekValue[], stringify: (v: unknown) => string): string {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const [name, type] = fields[i]!;
    o[name] = type === 'time' ? Number(v) : v;
  }
  return `${stringify(o)}\n`;
}

/** Whole ssl.log and x509.log (ASCII) for a list of connections (golden files, tests). */
export function renderZeekLogs(connections: readonly ConnectionModel[], opened: Date, closed: Date): { ssl: string; x509: string } {
  const seen = new X509Seen();
  let ssl = tsvHeader('ssl', SSL_FIELDS, opened);
  let x509 = tsvHeader('x509', X509_FIELDS, opened);
  for (const c of connections) {
    if (!c.isTls) continue;
    ssl += tsvLine(sslRecord(c));
    for (const r of x509Records(c, seen)) x509 += tsvLine(r);
  }
  return { ssl: ssl + tsvFooter(closed), x509: x509 + tsvFooter(closed) };
}
