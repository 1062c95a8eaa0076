/** Counters over decodePacket results, for lines like "skipped: 12 UDP, 3 ARP, 2 frames of link type 147". */

import type { DecodeStatus, DecodedSegment } from './types.js';

/** Key of a not-TCP kind in NetStats.notTcpKinds: IP_KIND + protocol once IP was reached, else the
 * EtherType (values <= 1500 all mean 802.3 LLC), else UNKNOWN_KIND. */
export const IP_KIND = 0x10000;
export const UNKNOWN_KIND = -1;

const IP_PROTOCOL_NAMES: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  4: 'IP-in-IP',
  17: 'UDP',
  41: 'IPv6-in-IP',
  47: 'GRE',
  50: 'ESP',
  58: 'ICMPv6',
  59: 'IPv6 no-next-header',
  89: 'OSPF',
  103: 'PIM',
  112: 'VRRP',
  132: 'SCTP',
};

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0806: 'ARP',
  0x8035: 'RARP',
  0x809b: 'AppleTalk',
  0x8847: 'MPLS',
  0x8848: 'MPLS',
  0x8863: 'PPPoE discovery',
  0x8864: 'PPPoE',
  0x888e: 'EAPOL',
  0x88cc: 'LLDP',
  0x88f7: 'PTP',
  0x8906: 'FCoE',
};

/** A person-readable name for a not-TCP kind key. */
export function notTcpKindName(kind: number): string {
  if (kind >= IP_KIND) {
    const protocol = kind - IP_KIND;
    return IP_PROTOCOL_NAMES[protocol] ?? `IP protocol ${protocol}`;
  }
  if (kind === UNKNOWN_KIND) return 'unknown network protocol';
  if (kind <= 1500) return '802.3/LLC';
  return ETHERTYPE_NAMES[kind] ?? `EtherType 0x${kind.toString(16).padStart(4, '0')}`;
}

export interface SkippedEntry {
  label: string;
  count: number;
}

/** Per-status counters; pass every decodePacket result to `add`. */
export class NetStats {
  /** Keeps the first this-many malformed messages. */
  static readonly MAX_MESSAGES = 20;

  frames = 0;
  tcp = 0;
  notTcp = 0;
  fragments = 0;
  malformed = 0;
  unsupportedLink = 0;
  /** Not-TCP frames by kind (see IP_KIND); names via notTcpKindName. */
  readonly notTcpKinds = new Map<number, number>();
  /** Frames of link types we do not decode, by link type. */
  readonly unsupportedLinkTypes = new Map<number, number>();
  /** The first MAX_MESSAGES malformed-frame messages; `messagesDropped` counts the rest. */
  readonly malformedMessages: string[] = [];
  /** The frame of each kept malformed-frame message (0 when add() was not told). */
  readonly malformedFrames: number[] = [];
  messagesDropped = 0;

  add(status: DecodeStatus, seg: DecodedSegment, frame = 0): void {
    this.frames++;
    switch (status) {
      case 'tcp':
        this.tcp++;
        return;
      case 'not-tcp': {
        this.notTcp++;
        const kind = seg.ipProtocol >= 0 ? IP_KIND + seg.ipProtocol : seg.etherType >= 0 ? seg.etherType : UNKNOWN_KIND;
        this.notTcpKinds.set(kind, (this.notTcpKinds.get(kind) ?? 0) + 1);
        return;
      }
      case 'fragment':
        this.fragments++;
        return;
      case 'malformed':
        this.malformed++;
        if (this.malformedMessages.length < NetStats.MAX_MESSAGES) {
          this.malformedMessages.push(seg.error);
          this.malformedFrames.push(frame);
        } else this.messagesDropped++;
        return;
      case 'unsupported-link':
        this.unsupportedLink++;
        this.unsupportedLinkTypes.set(seg.linkType, (this.unsupportedLinkTypes.get(seg.linkType) ?? 0) + 1);
        return;
    }
  }

  /** Skipped frames grouped by what they were, most frequent first (same-named kinds merged). */
  skipped(): SkippedEntry[] {
    const byLabel = new Map<string, number>();
    for (const [kind, count] of this.notTcpKinds) {
      const label = notTcpKindName(kind);
      byLabel.set(label, (byLabel.get(label) ?? 0) + count);
    }
    const entries: SkippedEntry[] = [...byLabel].map(([label, count]) => ({ label, count }));
    if (this.fragments > 0) entries.push({ label: 'IP fragments', count: this.fragments });
    if (this.malformed > 0) entries.push({ label: 'malformed', count: this.malformed });
    entries.sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const linkTypes = [...this.unsupportedLinkTypes].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [linkType, count] of linkTypes) {
      entries.push({ label: `${count === 1 ? 'frame' : 'frames'} of link type ${linkType}`, count });
    }
    return entries;
  }

  /** "skipped: 12 UDP, 3 ARP, 2 frames of link type 147", or '' when nothing was skipped. */
  summary(): string {
    const entries = this.skipped();
    if (entries.length === 0) return '';
    return `skipped: ${entries.map((e) => `${e.count} ${e.label}`).join(', ')}`;
  }
}
