/**
 * node:crypto views of cached certificates, created only when a signature has to be checked: loading
 * a certificate into OpenSSL 3.0 costs about a millisecond, and most certificates in a capture are
 * only displayed.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import type { CertInfo } from './types.js';

interface NodeView {
  x509?: X509Certificate;
  key?: KeyObject;
  error?: string;
}

const views = new WeakMap<CertInfo, NodeView>();
/** child → (issuer sha256 → verified). Entries die with the CertInfo. */
const signatureMemo = new WeakMap<CertInfo, Map<string, boolean>>();

function viewOf(info: CertInfo): NodeView {
  let view = views.get(info);
  if (view !== undefined) return view;
  view = {};
  try {
    view.x509 = new X509Certificate(info.der);
    view.key = view.x509.publicKey;
  } catch (err) {
    view.error = `node:crypto (OpenSSL) cannot load the certificate: ${err instanceof Error ? err.message : String(err)}`;
  }
  views.set(info, view);
  return view;
}

/** The node:crypto X509Certificate for a CertInfo (memoized), or undefined if OpenSSL rejects it. */
export function x509Of(info: CertInfo): X509Certificate | undefined {
  return viewOf(info).x509;
}

/** Why node:crypto could not load the certificate, if it could not. */
export function x509ErrorOf(info: CertInfo): string | undefined {
  return viewOf(info).error;
}

/** Does `issuer`'s public key verify `child`'s signature? Memoized per certificate pair. */
export function isSignedBy(child: CertInfo, issuer: CertInfo): boolean {
  let memo = signatureMemo.get(child);
  const known = memo?.get(issuer.sha256);
  if (known !== undefined) return known;
  const c = viewOf(child).x509;
  const key = viewOf(issuer).key;
  let ok = false;
  if (c !== undefined && key !== undefined) {
    try {
      ok = c.verify(key);
    } catch {
      ok = false;
    }
  }
  if (memo === undefined) {
    memo = new Map();
    signatureMemo.set(child, memo);
  }
  memo.set(issuer.sha256, ok);
  return ok;
}
