/**
 * `-Y EXPR`: a Wireshark-like display filter over the connection JSON (ConnectionModel). Field
 * names are JSON paths (`verdict`, `client.ip`, `clientCertificate.status`, `diagnoses.code`,
 * `clientCertificate.chain.issuer` ...), resolved generically, so fields added to the model later
 * work without a change here; a path through an array yields every element's value, and a
 * comparison holds when any value satisfies it (Wireshark's rule; `!=` holds when values exist and
 * none is equal; a missing field satisfies no comparison).
 *
 *   expr    := or
 *   or      := and (("||" | "or") and)*
 *   and     := unary (("&&" | "and") unary)*
 *   unary   := ("!" | "not") unary | "(" expr ")" | test
 *   test    := field [op value]         -- a field alone: present (and not false/empty)
 *   op      := == != < > <= >= contains matches  (also eq ne lt gt le ge, ~)
 *   value   := "string" | number | bare-word (a string)
 *
 * Hand-written recursive descent; parsing never throws (errors are values with a column) and
 * nesting is bounded.
 */

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'contains' | 'matches';
export type Literal = { type: 'string'; value: string } | { type: 'number'; value: number };
export type FilterNode =
  | { kind: 'or' | 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'exists'; field: string[] }
  | { kind: 'compare'; field: string[]; op: CompareOp; value: Literal };

export type ParseResult = { ok: true; node: FilterNode } | { ok: false; column: number; message: string };

const MAX_DEPTH = 64;
const MAX_LENGTH = 10_000;
const OP_WORDS: Record<string, CompareOp> = { eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=', contains: 'contains', matches: 'matches' };
const SYMBOL_OPS = ['==', '!=', '<=', '>=', '<', '>', '~'];
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const WORD_CHAR = /[A-Za-z0-9_.:\-+/@*]/;

type Token =
  | { t: 'word'; text: string; col: number }
  | { t: 'string'; text: string; col: number }
  | { t: 'sym'; text: string; col: number }
  | { t: 'end'; col: number };

class Failure {
  constructor(
    readonly column: number,
    readonly message: string,
  ) {}
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const col = i + 1;
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Failure(col, 'string not closed (a " is missing)');
        const d = src[i];
        if (d === '"') break;
        if (d === '\\') {
          if (i + 1 >= src.length) throw new Failure(col, 'string not closed (a " is missing)');
          s += src[i + 1];
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      i++;
      out.push({ t: 'string', text: s, col });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || SYMBOL_OPS.includes(two)) {
      out.push({ t: 'sym', text: two, col });
      i += 2;
      continue;
    }
    if (c === '(' || c === ')' || c === '!' || c === '<' || c === '>' || c === '~') {
      out.push({ t: 'sym', text: c, col });
      i++;
      continue;
    }
    if (WORD_CHAR.test(c)) {
      let j = i;
      while (j < src.length && WORD_CHAR.test(src[j])) j++;
      out.push({ t: 'word', text: src.slice(i, j), col });
      i = j;
      continue;
    }
    if (c === '=') throw new Failure(col, 'a single "=": compare with ==');
    if (c === '&' || c === '|') throw new Failure(col, `a single "${c}": combine tests with ${c}${c}`);
    throw new Failure(col, `unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ t: 'end', col: src.length + 1 });
  return out;
}

function show(t: Token): string {
  return t.t === 'end' ? 'the end' : t.t === 'string' ? JSON.stringify(t.text) : `"${t.text}"`;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): FilterNode {
    if (this.peek().t === 'end') throw new Failure(1, 'empty filter: give a test such as verdict == "failed"');
    const n = this.or();
    const t = this.peek();
    if (t.t !== 'end') throw new Failure(t.col, `unexpected ${show(t)} (missing && or ||?)`);
    return n;
  }

  private peek(): Token {
    return this.toks[this.i];
  }

  private isWord(t: Token, ...w: string[]): boolean {
    return t.t === 'word' && w.includes(t.text);
  }

  private or(): FilterNode {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      if (!((t.t === 'sym' && t.text === '||') || this.isWord(t, 'or'))) return left;
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
  }

  private and(): FilterNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!((t.t === 'sym' && t.text === '&&') || this.isWord(t, 'and'))) return left;
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw new Failure(t.col, `nested more than ${MAX_DEPTH} levels deep`);
    try {
      if ((t.t === 'sym' && t.text === '!') || this.isWord(t, 'not')) {
        this.i++;
        return { kind: 'not', operand: this.unary() };
      }
      if (t.t === 'sym' && t.text === '(') {
        this.i++;
        const n = this.or();
        const close = this.peek();
        if (!(close.t === 'sym' && close.text === ')')) throw new Failure(close.col, `expected ")" to close the "(" at column ${t.col}, found ${show(close)}`);
        this.i++;
        return n;
      }
      return this.test();
    } finally {
      this.depth--;
    }
  }

  private test(): FilterNode {
    const t = this.peek();
    if (t.t !== 'word' || !FIELD.test(t.text) || Object.hasOwn(OP_WORDS, t.text) || ['and', 'or', 'not'].includes(t.text)) {
      throw new Failure(t.col, `expected a field name (such as verdict or client.ip), found ${show(t)}`);
    }
    this.i++;
    const field = t.text.split('.');
    const o = this.peek();
    let op: CompareOp | undefined;
    if (o.t === 'sym' && SYMBOL_OPS.includes(o.text)) op = o.text === '~' ? 'matches' : (o.text as CompareOp);
    else if (o.t === 'word' && Object.hasOwn(OP_WORDS, o.text)) op = OP_WORDS[o.text];
    if (op === undefined) return { kind: 'exists', field };
    this.i++;
    const v = this.peek();
    if (v.t !== 'word' && v.t !== 'string') throw new Failure(v.col, `expected a value after "${o.t === 'end' ? '' : o.text}", found ${show(v)}`);
    this.i++;
    let value: Literal;
    if (v.t === 'word' && NUMBER.test(v.text) && Number.isFinite(Number(v.text))) value = { type: 'number', value: Number(v.text) };
    else value = { type: 'string', value: v.text };
    if ((op === 'contains' || op === 'matches') && value.type === 'number') value = { type: 'string', value: v.text };
    if (op === 'matches') {
      try {
        new RegExp(value.value as string, 'i');
      } catch (e) {
        throw new Failure(v.col, `not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
      }
    }
    return { kind: 'compare', field, op, value };
  }
}

export function parseDisplayFilter(src: string): ParseResult {
  if (src.length > MAX_LENGTH) return { ok: false, column: MAX_LENGTH, message: `longer than ${MAX_LENGTH} characters` };
  try {
    return { ok: true, node: new Parser(tokenize(src)).parse() };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, column: e.column, message: e.message };
    return { ok: false, column: 1, message: `cannot parse: ${(e as Error).message}` };
  }
}

const PREC = { or: 1, and: 2, not: 3, exists: 4, compare: 4 } as const;

function literal(v: Literal): string {
  return v.type === 'number' ? String(v.value) : `"${v.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The canonical text of a filter (parses back to the same tree). */
export function formatDisplayFilter(n: FilterNode): string {
  const sub = (c: FilterNode, min: number) => (PREC[c.kind] < min ? `(${formatDisplayFilter(c)})` : formatDisplayFilter(c));
  switch (n.kind) {
    case 'or':
    case 'and': {
      const p = PREC[n.kind];
      return `${sub(n.left, p)} ${n.kind === 'or' ? '||' : '&&'} ${sub(n.right, p + 1)}`;
    }
    case 'not':
      return `!${sub(n.operand, PREC.not)}`;
    case 'exists':
      return n.field.join('.');
    case 'compare':
      return `${n.field.join('.')} ${n.op} ${literal(n.value)}`;
  }
}

const MAX_VALUES = 100_000;

/** Every value at `path` (arrays on the way and at the end yield each element). */
export function fieldValues(root: unknown, path: string[]): unknown[] {
  let cur: unknown[] = [root];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (Array.isArray(v)) {
        for (const e of v) if (e !== null && typeof e === 'object' && !Array.isArray(e) && Object.hasOwn(e, seg)) next.push((e as Record<string, unknown>)[seg]);
      } else if (v !== null && typeof v === 'object' && Object.hasOwn(v, seg)) {
        next.push((v as Record<string, unknown>)[seg]);
      }
      if (next.length > MAX_VALUES) break;
    }
    cur = next;
  }
  const out: unknown[] = [];
  const flat = (v: unknown, d: number) => {
    if (Array.isArray(v) && d < 4) for (const e of v) flat(e, d + 1);
    else if (v !== undefined && out.length < MAX_VALUES) out.push(v);
  };
  for (const v of cur) flat(v, 0);
  return out;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMBER.test(v.trim())) return Number(v);
  return undefined;
}

function compareOne(v: unknown, op: CompareOp, lit: Literal, re: RegExp | undefined): boolean {
  if (v !== null && typeof v === 'object') return false;
  const s = String(v);
  if (op === 'contains') return s.includes(lit.value as string);
  if (op === 'matches') return re!.test(s);
  let d: number;
  const n = lit.type === 'number' ? asNumber(v) : undefined;
  if (lit.type === 'number' && n !== undefined) d = n - lit.value;
  else {
    const l = String(lit.value);
    d = s === l ? 0 : s < l ? -1 : 1;
  }
  switch (op) {
    case '==':
    case '!=':
      return d === 0;
    case '<':
      return d < 0;
    case '>':
      return d > 0;
    case '<=':
      return d <= 0;
    case '>=':
      return d >= 0;
  }
}

export interface CompiledFilter {
  readonly text: string;
  readonly node: FilterNode;
  /** Field paths (dotted) that resolved to a value in at least one connection tested so far. */
  readonly seen: Set<string>;
  /** Every field path the filter names. */
  readonly fields: string[];
  test(connection: unknown): boolean;
}

export function compileDisplayFilter(text: string, node: FilterNode): CompiledFilter {
  const regexes = new Map<FilterNode, RegExp>();
  const fields = new Set<string>();
  const walk = (n: FilterNode) => {
    if (n.kind === 'not') walk(n.operand);
    else if (n.kind === 'exists' || n.kind === 'compare') {
      fields.add(n.field.join('.'));
      if (n.kind === 'compare' && n.op === 'matches') regexes.set(n, new RegExp(n.value.value as string, 'i'));
    } else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  const seen = new Set<string>();
  const evaluate = (n: FilterNode, c: unknown): boolean => {
    switch (n.kind) {
      case 'or':
        return evaluate(n.left, c) || evaluate(n.right, c);
      case 'and':
        return evaluate(n.left, c) && evaluate(n.right, c);
      case 'not':
        return !evaluate(n.operand, c);
      case 'exists': {
        const vs = fieldValues(c, n.field);
        if (vs.length > 0) seen.add(n.field.join('.'));
        return vs.some((v) => v !== false && v !== '' && v !== null);
      }
      case 'compare': {
        const vs = fieldValues(c, n.field);
        if (vs.length > 0) seen.add(n.field.join('.'));
        const re = regexes.get(n);
        const any = vs.some((v) => compareOne(v, n.op, n.value, re));
        // a missing field satisfies no comparison; != holds when values exist and none is equal
        return n.op === '!=' ? vs.length > 0 && !any : any;
      }
    }
  };
  return { text, node, seen, fields: [...fields], test: (c) => evaluate(node, c) };
}
