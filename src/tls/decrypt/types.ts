/** Outcome of decrypting one record: the plaintext and its (inner or outer) content type, or why not. */
export type RecordResult =
  | { ok: true; contentType: number; plaintext: Uint8Array }
  | { ok: false; reason: string };

/** What both the TLS 1.3 and the TLS 1.2 record decryptors offer the record layer. */
export interface RecordDecryptor {
  /** Sequence number of the next record. */
  readonly sequence: bigint;
  /** Decrypts one record; `header5` is its 5-byte header, `fragment` the bytes after it. */
  decrypt(header5: Uint8Array, fragment: Uint8Array): RecordResult;
  /** Counts a record given up on (TLS 1.0 CBC needs its bytes to keep the IV chain). */
  skip(fragment?: Uint8Array): void;
}
