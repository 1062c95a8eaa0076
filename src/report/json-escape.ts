/**
 * JSON text that is safe on a terminal. JSON.stringify escapes C0 controls, quotes and backslashes
 * only; DEL, C1 controls (8-bit CSI) and bidi overrides from wire strings are written as \u
 * escapes too, so JSON on a terminal is as safe as the text report (the parsed data is unchanged).
 *
 * Fast path: nearly every report text has none of these characters, so the text is first tested
 * with one precompiled (non-global) expression and only rewritten when it matches.
 */
const UNSAFE_CLASS = '[\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff]';
const UNSAFE_TEST = new RegExp(UNSAFE_CLASS);
const UNSAFE_ALL = new RegExp(UNSAFE_CLASS, 'g');

const escapeOne = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `json` (JSON text) with the characters above as \u escapes. Valid JSON in, same value out:
 * these characters only occur inside strings, where the escape means the same character. */
export function escapeJsonText(json: string): string {
  return UNSAFE_TEST.test(json) ? json.replace(UNSAFE_ALL, escapeOne) : json;
}

/** JSON.stringify with the terminal-safe escaping above (undefined for undefined, like it). */
export function safeJson(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent));
}
