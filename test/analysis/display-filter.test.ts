/**
 * -Y display filter: parsing (columns of errors, precedence, aliases), evaluation over the
 * connection JSON (generic paths, arrays match if any element does, missing fields), and
 * properties: parsing never throws on any input, and format -> parse gives the same tree.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compileDisplayFilter,
  fieldValues,
  formatDisplayFilter,
  parseDisplayFilter,
  type FilterNode,
} from '../../src/analysis/display-filter.js';

const conn = {
  id: 4,
  client: { ip: '127.0.0.1', port: 46028 },
  server: { ip: '127.0.0.1', port: 44302 },
  version: 'TLS 1.2',
  serverName: 'localhost',
  established: false,
  verdict: 'failed',
  clientCertificate: {
    status: 'sent',
    frame: 70,
    chain: [{ subject: 'CN=evil-client,O=tls-inspect evil', issuer: 'CN=Evil CA,O=tls-inspect evil', subjectAltNames: ['DNS:a', 'DNS:b'] }],
  },
  alerts: [{ frame: 71, description: 'unknown_ca', code: 48, direction: 'server->client' }],
  diagnoses: [{ code: 'client-cert-unknown-ca' }, { code: 'handshake-alert' }],
  tcp: { closedBy: 'fin' },
  fingerprints: { ja3: 'abc123' },
};

function run(expr: string, c: unknown = conn): boolean {
  const r = parseDisplayFilter(expr);
  if (!r.ok) throw new Error(`${expr}: column ${r.column}: ${r.message}`);
  return compileDisplayFilter(expr, r.node).test(c);
}

describe('display filter: evaluation', () => {
  it.each([
    ['verdict == "failed"', true],
    ['verdict == failed', true],
    ['verdict != failed', false],
    ['version == "TLS 1.3"', false],
    ['client.ip == 127.0.0.1', true],
    ['server.port == 44302', true],
    ['server.port > 44301 && server.port <= 44302', true],
    ['server.port < 1000', false],
    ['server.port >= 44303 || clientCertificate.frame == 70', true],
    ['clientCertificate.status eq sent and not verdict ne failed', true],
    ['diagnoses.code == "handshake-alert"', true], // any element
    ['diagnoses.code != "handshake-alert"', false], // none may be equal
    ['diagnoses.code != "capture-gap"', true],
    ['alerts.description contains unknown', true],
    ['clientCertificate.chain.issuer contains "Evil CA"', true],
    ['clientCertificate.chain.subject matches "^cn=EVIL"', true], // matches: case-insensitive, as Wireshark
    ['clientCertificate.chain.subjectAltNames == "DNS:b"', true], // array at the leaf
    ['serverName ~ "^local"', true],
    ['fingerprints.ja3 == abc123', true], // a field the filter code never heard of
    ['tcp.closedBy == fin', true],
    ['alpn', false], // missing field: not present
    ['alpn != "h2"', false], // a missing field satisfies no comparison
    ['!alpn', true],
    ['established', false], // false is not "present and true"
    ['serverName', true],
    ['!(verdict == ok || verdict == "mtls-ok")', true],
    ['verdict == ok || verdict == failed && version == "TLS 1.3"', false], // && binds tighter
    ['(verdict == ok || verdict == failed) && version == "TLS 1.2"', true],
    ['constructor', false], // no prototype lookups
    ['client.toString', false],
    ['alerts.code == 48.0', true],
  ])('%s -> %s', (expr, want) => {
    expect(run(expr)).toBe(want);
  });

  it('fieldValues walks arrays on the way and at the end', () => {
    expect(fieldValues(conn, ['diagnoses', 'code'])).toEqual(['client-cert-unknown-ca', 'handshake-alert']);
    expect(fieldValues(conn, ['clientCertificate', 'chain', 'subjectAltNames'])).toEqual(['DNS:a', 'DNS:b']);
    expect(fieldValues(conn, ['nope', 'x'])).toEqual([]);
  });

  it('remembers which fields were seen (typo detection)', () => {
    const r = parseDisplayFilter('verdic == failed || verdict == ok');
    expect(r.ok).toBe(true);
    if (!r.ok) throw new Error('unreachable');
    const f = compileDisplayFilter('x', r.node);
    f.test(conn);
    expect(f.fields).toEqual(['verdic', 'verdict']);
    expect([...f.seen]).toEqual(['verdict']);
  });
});

describe('display filter: syntax errors point at the column', () => {
  it.each([
    ['', 1, 'empty filter: give a test such as verdict == "failed"'],
    ['verdict ==', 11, 'expected a value after "==", found the end'],
    ['verdict == failed extra', 19, 'unexpected "extra" (missing && or ||?)'],
    ['(a == 1', 8, 'expected ")" to close the "(" at column 1, found the end'],
    ['a == "x', 6, 'string not closed (a " is missing)'],
    ['a & b', 3, 'a single "&": combine tests with &&'],
    ['a == 1 | b', 8, 'a single "|": combine tests with ||'],
    ['== 1', 1, 'expected a field name (such as verdict or client.ip), found "=="'],
    ['127.0.0.1 == client.ip', 1, 'expected a field name (such as verdict or client.ip), found "127.0.0.1"'],
    ['a # b', 3, 'unexpected character "#"'],
    ['a matches "["', 11, 'not a regular expression: /[/i: Unterminated character class'],
    ['('.repeat(100) + 'a' + ')'.repeat(100), 65, 'nested more than 64 levels deep'],
  ])('%j', (expr, column, message) => {
    expect(parseDisplayFilter(expr)).toEqual({ ok: false, column, message });
  });
});

const fieldName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/).filter((s) => !['and', 'or', 'not', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'contains', 'matches'].includes(s));
const field = fc.array(fieldName, { minLength: 1, maxLength: 3 });
const literal = fc.oneof(
  fc.record({ type: fc.constant('string' as const), value: fc.string({ maxLength: 8, unit: 'grapheme' }) }),
  fc.record({ type: fc.constant('number' as const), value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)) }),
);
const node: fc.Arbitrary<FilterNode> = fc.letrec<{ n: FilterNode }>((tie) => ({
  n: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('exists' as const), field }),
    fc
      .record({ kind: fc.constant('compare' as const), field, op: fc.constantFrom('==', '!=', '<', '>', '<=', '>=', 'contains', 'matches' as const), value: literal })
      // contains/matches compare text; a regex must compile
      .map((n) => (n.op === 'contains' || n.op === 'matches' ? { ...n, value: { type: 'string' as const, value: String(n.value.value).replace(/[\\^$.*+?()[\]{}|]/g, '') } } : n)),
    fc.record({ kind: fc.constant('not' as const), operand: tie('n') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('n'), right: tie('n') }),
  ),
})).n;

const TOKENS = ['verdict', 'client.ip', '==', '!=', '<', '>=', 'contains', 'matches', '~', '&&', '||', 'and', 'or', 'not', '!', '(', ')', '"x"', '"', '1.5', '-3', 'failed', '=', '&', '|', '\\', ' ', '\u0000', 'é'];

describe('display filter: properties', () => {
  it('never throws, whatever the input; errors have a column inside the text', () => {
    const anyText = fc.oneof(fc.string({ maxLength: 60, unit: 'binary' }), fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join(' ')));
    fc.assert(
      fc.property(anyText, (s) => {
        const r = parseDisplayFilter(s);
        if (!r.ok) {
          expect(r.column).toBeGreaterThanOrEqual(1);
          expect(r.column).toBeLessThanOrEqual(s.length + 1);
          expect(r.message).not.toBe('');
        } else {
          // and evaluation never throws either
          compileDisplayFilter(s, r.node).test(conn);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips: format(tree) parses back to the same tree', () => {
    fc.assert(
      fc.property(node, (n) => {
        const text = formatDisplayFilter(n);
        const r = parseDisplayFilter(text);
        expect(r).toEqual({ ok: true, node: n });
      }),
      { numRuns: 1000 },
    );
  });

  it('! negates and && / || combine exactly as booleans do', () => {
    fc.assert(
      fc.property(node, node, (a, b) => {
        const ev = (n: FilterNode) => compileDisplayFilter('', n).test(conn);
        expect(ev({ kind: 'not', operand: a })).toBe(!ev(a));
        expect(ev({ kind: 'and', left: a, right: b })).toBe(ev(a) && ev(b));
        expect(ev({ kind: 'or', left: a, right: b })).toBe(ev(a) || ev(b));
      }),
      { numRuns: 300 },
    );
  });
});
