/**
 * TLS decryption primitives: key log, key derivation and record decryptors.
 *
 * What the record layer (the caller) must do
 * ------------------------------------------
 * Lookup. Take the 32-byte random of the ClientHello and `keyLog.lookup(random)`. The key log may
 * grow while a capture is read, and a pcapng Decryption Secrets Block may come after the packets
 * (`keyLog.addDsb(type, data)`): when a lookup fails, keep the connection's records and retry
 * once more secrets arrived. Report what is missing with `missingTls13()` / `missingTls12()`.
 *
 * Records that are never encrypted. ChangeCipherSpec records (content type 20) are plaintext in
 * every version: in TLS 1.3 they are middlebox-compatibility noise (RFC 8446 §5, Appendix D.4)
 * and must be skipped without touching any decryptor or sequence number. Records before the keys
 * switch (ClientHello, ServerHello, HelloRetryRequest, TLS 1.2 handshake up to CCS) are plaintext.
 *
 * TLS 1.3 (RFC 8446 §7):
 * - Suite from the ServerHello: `suiteParams(suite)` (protocol 'tls13').
 * - Server direction: after the ServerHello, `createTls13Decryptor(params,
 *   SERVER_HANDSHAKE_TRAFFIC_SECRET)` (refuses a secret whose length does not fit the suite's
 *   hash instead of throwing); after decrypting the server's Finished (handshake type 20),
 *   switch to SERVER_TRAFFIC_SECRET_0. Records after Finished in the same flight (e.g.
 *   NewSessionTicket) already use the application key: switch per handshake message, not per
 *   segment.
 * - Client direction: CLIENT_HANDSHAKE_TRAFFIC_SECRET for its second flight (Certificate,
 *   CertificateVerify, Finished); after the client's Finished, CLIENT_TRAFFIC_SECRET_0.
 * - 0-RTT: when the ClientHello offered early_data, the client's first protected records may be
 *   early data under CLIENT_EARLY_TRAFFIC_SECRET (ended by EndOfEarlyData). Without that secret,
 *   or when the server rejected early data, a record that fails with the client handshake key is
 *   skipped (a failed `decrypt()` does not advance the sequence number) until one decrypts.
 * - HelloRetryRequest: the ServerHello that follows uses the same client random and the key log
 *   lines are keyed by it; the traffic secrets from the key log need no change. The second
 *   ClientHello is plaintext; keys start after the real ServerHello.
 * - KeyUpdate (handshake type 24) decrypted in a direction: call `update()` on that direction's
 *   decryptor after the record that carried it. With request_update the peer answers with its
 *   own KeyUpdate, which the peer's direction handles the same way.
 * - The decrypted content type is the inner one (`result.contentType`); the outer is always 23.
 *
 * TLS 1.0-1.2 (RFC 5246 §6-7): ServerHello gives version, suite, server random and whether
 * encrypt_then_mac (extension 22) was accepted. `createTls12Decryptors(CLIENT_RANDOM master
 * secret, client random, server random, suite, version, etm)` gives both directions. Each side's
 * records are encrypted from the record after that side's ChangeCipherSpec (its Finished is the
 * first encrypted record); a renegotiation starts new decryptors at the next CCS of each side.
 * Resumed sessions log the same master secret under the new client random.
 *
 * Failures return `{ ok: false, reason }` and never throw; reasons never contain key material.
 */
export {
  KeyLog, SessionSecrets, parseKeyLogText, parseKeyLogLine, parseDsbSecrets, DSB_TLS_KEY_LOG,
  KNOWN_LABELS, TLS13_LABELS, MAX_KEPT_ISSUES,
  type KeyLogAddResult, type KeyLogCounts, type KeyLogEntry, type KeyLogIssue, type KnownLabel,
  type MissingSecrets, type ParsedKeyLog, type SourcedIssue, type DsbSecrets, type Tls13Label,
} from './keylog.js';
export { Secret } from './secret.js';
export {
  suiteParams, decryptableSuites, hashLength,
  type SuiteParams, type Tls13SuiteParams, type Tls12SuiteParams, type Tls12AeadSuiteParams,
  type Tls12CbcSuiteParams, type HashName, type MacHashName, type AeadCipherName, type CbcCipherName,
} from './suites.js';
export {
  Tls13RecordDecryptor, createTls13Decryptor, deriveTls13TrafficKeys, nextTrafficSecret, tls13KeySchedule,
  tls13FinishedVerifyData, TLS13_MAX_CIPHERTEXT, hkdfExtract, hkdfExpand, hkdfExpandLabel, hkdfLabel,
  deriveSecret, transcriptHash,
  type Tls13DecryptorResult, type Tls13RecordParams, type Tls13Schedule, type Tls13ScheduleInput, type TrafficKeys,
} from './tls13.js';
export {
  createTls12Decryptors, Tls12AeadDecryptor, Tls12CbcDecryptor, Tls12KeyBlock, TLS12_MAX_CIPHERTEXT,
  pHash, tls10Prf, tls12Prf, versionPrf, TLS10, TLS11, TLS12, type Tls12Decryptors,
} from './tls12.js';
export type { RecordDecryptor, RecordResult } from './types.js';
