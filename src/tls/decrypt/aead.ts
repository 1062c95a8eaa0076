/**
 * AEAD open (decrypt + verify) over node:crypto for the ciphers TLS uses: AES-GCM, AES-CCM
 * (16- or 8-byte tag) and ChaCha20-Poly1305.
 */
import { createDecipheriv, type CipherCCMTypes, type CipherGCMTypes } from 'node:crypto';
import type { AeadCipherName } from './suites.js';

/**
 * Decrypts `ciphertext` (tag excluded) and checks `tag`. Returns the plaintext, or undefined when
 * the tag does not verify. Never throws for bad data (only for programming errors such as a key
 * of the wrong length, which callers rule out).
 */
export function aeadOpen(
  cipher: AeadCipherName,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): Buffer | undefined {
  try {
    if (cipher === 'aes-128-gcm' || cipher === 'aes-256-gcm') {
      const d = createDecipheriv(cipher as CipherGCMTypes, key, nonce, { authTagLength: tag.length });
      d.setAAD(aad);
      d.setAuthTag(tag);
      const head = d.update(ciphertext);
      const tail = d.final();
      return tail.length === 0 ? head : Buffer.concat([head, tail]);
    }
    // CCM and ChaCha20-Poly1305: node requires authTagLength and, for CCM, the plaintext length
    // before the AAD.
    const d = createDecipheriv(cipher as CipherCCMTypes, key, nonce, { authTagLength: tag.length });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: ciphertext.length });
    const head = d.update(ciphertext);
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return undefined;
  }
}
