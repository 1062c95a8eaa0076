/** Address formatting for people: IPv4 dotted quad, IPv6 in RFC 5952 canonical text. */

/** IPv4 "192.0.2.1"; IPv6 RFC 5952 ("2001:db8::1", "::ffff:192.0.2.1" for IPv4-mapped). Any other
 * length (not an address) gives "<invalid address of N bytes>". */
export function formatIp(addr: Uint8Array): string {
  if (addr.length === 4) return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
  if (addr.length !== 16) return `<invalid address of ${addr.length} bytes>`;
  if (isV4Mapped(addr)) return `::ffff:${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}`;
  // Longest run of zero 16-bit groups (at least 2; the first one wins a tie), RFC 5952 4.2.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let g = 0; g <= 8; g++) {
    const zero = g < 8 && addr[2 * g] === 0 && addr[2 * g + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = g;
    } else if (runStart >= 0) {
      if (g - runStart > bestLen) {
        bestStart = runStart;
        bestLen = g - runStart;
      }
      runStart = -1;
    }
  }
  let text = '';
  for (let g = 0; g < 8; g++) {
    if (g === bestStart) {
      text += g === 0 ? '::' : ':';
      g += bestLen - 1;
      continue;
    }
    text += ((addr[2 * g]! << 8) | addr[2 * g + 1]!).toString(16);
    if (g < 7) text += ':';
  }
  return text;
}

function isV4Mapped(addr: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (addr[i] !== 0) return false;
  return addr[10] === 0xff && addr[11] === 0xff;
}

/** "192.0.2.1:443" or "[2001:db8::1]:443". */
export function formatEndpoint(addr: Uint8Array, port: number): string {
  return addr.length === 16 ? `[${formatIp(addr)}]:${port}` : `${formatIp(addr)}:${port}`;
}

/** The same for an endpoint whose address is already text (connection models): IPv6 in brackets. */
export function endpointText(e: { ip: string; port: number }): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}
