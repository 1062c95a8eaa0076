/**
 * GREASE (RFC 8701): reserved values of the form 0x?A?A (both bytes equal, low nibble A) used by
 * clients in cipher suites, extensions, named groups, signature algorithms, versions and ALPN-like
 * lists to keep servers tolerant of unknown values. Single-byte lists (PSK modes) use 0x0B + n*0x1F.
 */

/** True for the 16-bit GREASE values 0x0A0A, 0x1A1A, ... 0xFAFA. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 8 === (value & 0xff);
}

/** True for the 8-bit GREASE values of psk_key_exchange_modes (RFC 8701 §2: 0x0B, 0x2A, 0x49, ...). */
export function isGreaseByte(value: number): boolean {
  return value >= 0x0b && value <= 0xfa && (value - 0x0b) % 0x1f === 0;
}

/** `0x` + four lowercase hex digits: the display name of an unknown 16-bit code. */
export function hex16(value: number): string {
  return '0x' + (value & 0xffff).toString(16).padStart(4, '0');
}

/** `0x` + two lowercase hex digits. */
export function hex8(value: number): string {
  return '0x' + (value & 0xff).toString(16).padStart(2, '0');
}

/** Display name of a GREASE code, e.g. `GREASE (0x1a1a)`. */
export function greaseName(value: number): string {
  return `GREASE (${hex16(value)})`;
}
