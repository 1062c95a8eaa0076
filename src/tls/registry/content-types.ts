/**
 * ContentType values of the record layer. Source: IANA "TLS ContentType" registry (RFC 8446,
 * RFC 6520, RFC 9146, RFC 9147, draft-ietf-tls-dtls-rrc).
 */
import { hex8 } from './grease.js';

export const CONTENT_TYPES: ReadonlyArray<readonly [number, string]> = [
  [20, 'change_cipher_spec'],
  [21, 'alert'],
  [22, 'handshake'],
  [23, 'application_data'],
  [24, 'heartbeat'],
  [25, 'tls12_cid'],
  [26, 'ack'],
  [27, 'return_routability_check'],
];

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  heartbeat: 24,
  tls12_cid: 25,
  ack: 26,
} as const;

const NAMES = new Map<number, string>(CONTENT_TYPES.map(([c, n]) => [c, n] as [number, string]));

/** snake_case name, or `0xNN`. */
export function contentTypeName(code: number): string {
  return NAMES.get(code) ?? hex8(code);
}
