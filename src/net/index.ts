/** Net stage public API: link / IP / TCP decoding, address formatting, flow keys, counters. */

export type { DecodeStatus, DecodedSegment, TcpSegment } from './types.js';
export { TcpFlag } from './types.js';
export { decodeFrame, decodePacket, newTcpSegment, type NetFrame } from './decode.js';
export { DecodedTcpSegment } from './segment.js';
export { endpointText, formatEndpoint, formatIp } from './address.js';
export { computeFlowKey, flowKey, isForward, newFlowKey } from './flow-key.js';
export type { FlowKey } from './flow-key.js';
export { IP_KIND, NetStats, notTcpKindName, UNKNOWN_KIND } from './stats.js';
export type { SkippedEntry } from './stats.js';
export { MAX_IPV6_EXTENSION_HEADERS } from './ip.js';
export { MAX_VLAN_TAGS } from './link.js';
export { decodeUdp, IPPROTO_UDP } from './udp.js';
export type { UdpStatus } from './udp.js';
