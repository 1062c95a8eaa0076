/**
 * IP address formatting for connection endpoints. Called once per new connection, never per
 * packet. (The net stage may offer the same; TcpReassembler accepts an injected formatter.)
 */

/** Dotted quad for 4 bytes, RFC 5952 text for 16 bytes, hex for anything else. */
export function formatIp(addr: Uint8Array): string {
  if (addr.length === 4) return `${addr[0]}.${addr[1]}.${addr[2]}.${addr[3]}`;
  if (addr.length === 16) return formatIpv6(addr);
  let hex = '';
  for (let i = 0; i < addr.length; i++) hex += addr[i]!.toString(16).padStart(2, '0');
  return `0x${hex}`;
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run (>= 2) of zero groups as "::"
 * (the first one on ties), and IPv4-mapped addresses (::ffff:0:0/96) with a dotted quad. */
function formatIpv6(a: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a[i]! << 8) | a[i + 1]!);
  const mapped = groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 &&
    groups[4] === 0 && groups[5] === 0xffff;
  if (mapped) return `::ffff:${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
