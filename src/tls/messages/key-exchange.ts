/**
 * ServerKeyExchange and ClientKeyExchange (RFC 5246 §7.4.3 / §7.4.7, RFC 8422 §5.4 / §5.7,
 * RFC 4279 §2-4 (PSK), RFC 5489 (ECDHE_PSK), RFC 5054 §2.8 (SRP)). The layout follows the cipher
 * suite's key exchange; without one it is guessed from the bytes. Only lengths of keys and
 * signatures are reported.
 */
import { cipherSuiteInfo } from '../registry/cipher-suites.js';
import { namedGroupKind } from '../registry/named-groups.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { ClientKeyExchange, DecodeContext, ServerKeyExchange } from './types.js';

/** Bit length of a big-endian unsigned integer (leading zero bytes/bits ignored). */
export function bitLength(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]));
}

function kxOf(ctx: DecodeContext): string | undefined {
  return ctx.cipherSuite === undefined ? undefined : cipherSuiteInfo(ctx.cipherSuite)?.keyExchange;
}

/** Guess from the bytes: ECParameters start with curve_type 3 + a registered group. */
function guessServerKx(body: Uint8Array): string {
  if (body.length >= 4 && body[0] === 3 && namedGroupKind((body[1] << 8) | body[2]) !== undefined) return 'ECDHE';
  return 'DHE';
}

/**
 * Signature at the end of a signed ServerKeyExchange: TLS 1.2 `SignatureScheme(2) signature<2>`,
 * TLS 1.0/1.1 `signature<2>` only. The version decides when known, else the lengths.
 */
function readSignature(r: ByteReader, msg: { signatureScheme?: number; signatureLength?: number }, version?: number): void {
  if (r.remaining === 0 || r.failed) {
    if (!r.failed) r.warnings.push('signature missing');
    return;
  }
  let tls12 = version === undefined ? true : version >= 0x0303;
  if (version === undefined && r.remaining >= 2) {
    const len = (r.buf[r.offset] << 8) | r.buf[r.offset + 1];
    if (len + 2 === r.remaining) tls12 = false;
  }
  if (tls12) msg.signatureScheme = r.u16('signature algorithm');
  const sig = r.vector(2, 'signature');
  if (sig !== null) msg.signatureLength = sig.length;
}

function dhParams(r: ByteReader, msg: ServerKeyExchange): void {
  const p = r.vector(2, 'dh_p');
  if (p === null) return;
  msg.dhPBits = bitLength(p);
  const g = r.vector(2, 'dh_g');
  if (g === null) return;
  msg.dhGLength = g.length;
  const ys = r.vector(2, 'dh_Ys');
  if (ys !== null) msg.dhPublicLength = ys.length;
}

function ecParams(r: ByteReader, msg: ServerKeyExchange): void {
  msg.curveType = r.u8('curve_type');
  if (r.failed) return;
  if (msg.curveType !== 3) {
    r.fail({ code: 'tls-message-not-decoded', message: `curve_type ${msg.curveType} (explicit curve parameters) not decoded` });
    return;
  }
  msg.namedGroup = r.u16('namedcurve');
  const point = r.vector(1, 'ECPoint');
  if (point !== null) msg.publicKeyLength = point.length;
}

export function decodeServerKeyExchange(body: Uint8Array, ctx: DecodeContext): ServerKeyExchange {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const known = kxOf(ctx);
  const kx = known ?? guessServerKx(body);
  const msg: ServerKeyExchange = { keyExchange: kx, guessed: known === undefined, warnings };
  switch (kx) {
    case 'ECDHE':
    case 'ECDH_anon':
      ecParams(r, msg);
      if (kx === 'ECDHE' && !r.failed) readSignature(r, msg, ctx.version);
      break;
    case 'DHE':
    case 'DH_anon':
      dhParams(r, msg);
      if (kx === 'DHE' && !r.failed) readSignature(r, msg, ctx.version);
      break;
    case 'RSA': {
      // RSA_EXPORT temporary key (RFC 4346 §7.4.3)
      const mod = r.vector(2, 'rsa_modulus');
      if (mod !== null) msg.rsaModulusBits = bitLength(mod);
      const exp = r.vector(2, 'rsa_exponent');
      if (exp !== null) msg.rsaExponentLength = exp.length;
      if (!r.failed) readSignature(r, msg, ctx.version);
      break;
    }
    case 'PSK':
    case 'RSA_PSK':
    case 'DHE_PSK':
    case 'ECDHE_PSK': {
      const hint = r.vector(2, 'psk_identity_hint');
      if (hint === null) break;
      msg.pskIdentityHintLength = hint.length;
      if (kx === 'DHE_PSK') dhParams(r, msg);
      if (kx === 'ECDHE_PSK') ecParams(r, msg);
      break;
    }
    case 'SRP': {
      const n = r.vector(2, 'srp_N');
      if (n !== null) msg.srpNBits = bitLength(n);
      if (r.vector(2, 'srp_g') === null) break;
      const s = r.vector(1, 'srp_s');
      if (s !== null) msg.srpSaltLength = s.length;
      const b = r.vector(2, 'srp_B');
      if (b !== null) msg.dhPublicLength = b.length;
      if (!r.failed && r.remaining > 0) readSignature(r, msg, ctx.version);
      break;
    }
    default:
      warnings.push({ code: 'tls-message-not-decoded', message: `ServerKeyExchange layout for key exchange ${kx} not decoded` });
      r.offset = r.end;
  }
  r.expectEnd('ServerKeyExchange');
  return msg;
}

/** Guess: an ECDH point (u8 length) vs a DH/RSA value (u16 length) by which prefix fits. */
function guessClientKx(body: Uint8Array): string {
  if (body.length >= 1 && body[0] + 1 === body.length && (body[1] === 4 || body[0] === 32 || body[0] === 56)) return 'ECDHE';
  if (body.length >= 2 && ((body[0] << 8) | body[1]) + 2 === body.length) return 'DHE or RSA';
  return 'unknown';
}

export function decodeClientKeyExchange(body: Uint8Array, ctx: DecodeContext): ClientKeyExchange {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const known = kxOf(ctx);
  const kx = known ?? guessClientKx(body);
  const msg: ClientKeyExchange = { keyExchange: kx, guessed: known === undefined, length: body.length, warnings };
  const psk = kx === 'PSK' || kx === 'RSA_PSK' || kx === 'DHE_PSK' || kx === 'ECDHE_PSK';
  if (psk) {
    const id = r.vector(2, 'psk_identity');
    if (id === null) return msg;
    msg.pskIdentityLength = id.length;
  }
  switch (kx) {
    case 'RSA':
    case 'RSA_PSK': {
      // TLS: EncryptedPreMasterSecret<0..2^16-1>; SSL 3.0 sends it without the length prefix.
      if (ctx.version === 0x0300 || (r.remaining >= 2 && ((body[r.offset] << 8) | body[r.offset + 1]) + 2 !== r.remaining)) {
        msg.encryptedPreMasterSecretLength = r.remaining;
        r.offset = r.end;
      } else {
        const epms = r.vector(2, 'EncryptedPreMasterSecret');
        if (epms !== null) msg.encryptedPreMasterSecretLength = epms.length;
      }
      break;
    }
    case 'ECDHE':
    case 'ECDH':
    case 'ECDH_anon':
    case 'ECDHE_PSK': {
      // An empty body is legal for fixed ECDH client certificates (RFC 8422 §5.7).
      if (r.remaining === 0 && kx === 'ECDH') break;
      const point = r.vector(1, 'ecdh_Yc');
      if (point !== null) msg.publicKeyLength = point.length;
      break;
    }
    case 'DHE':
    case 'DH':
    case 'DH_anon':
    case 'DHE_PSK':
    case 'SRP':
    case 'DHE or RSA': {
      if (r.remaining === 0 && kx === 'DH') break;
      const yc = r.vector(2, kx === 'SRP' ? 'srp_A' : 'dh_Yc');
      if (yc !== null) msg.publicKeyLength = yc.length;
      break;
    }
    case 'PSK':
      break;
    default:
      r.offset = r.end;
  }
  r.expectEnd('ClientKeyExchange');
  return msg;
}
