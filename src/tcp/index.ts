/** TCP stage: flow tracking (Wireshark tcp.stream ids) and per-direction reassembly. */
export * from './types.js';
export { TcpReassembler, type TcpReassemblerOptions } from './reassembler.js';
export { formatIp } from '../net/address.js'; // one IP formatter: the net stage's
export { flowHash } from './flow-table.js';
export { SEGMENT_OVERHEAD } from './buffer-budget.js';
export { type BaseSeqState, startsNewStream, updateBaseSeqs, resetBaseSeqs } from './stream-rules.js';
