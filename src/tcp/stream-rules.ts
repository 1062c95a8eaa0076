/**
 * When does a packet start a new Wireshark `tcp.stream`?
 *
 * Mirrors dissect_tcp() / tcp_analyze_sequence_number() in Wireshark's
 * epan/dissectors/packet-tcp.c (4.0, the version whose tshark made our golden files), with the
 * default preference tcp.analyze_sequence_numbers = TRUE:
 *
 * 1. A conversation is looked up by the unordered pair of (address, port) endpoints (no VLAN, no
 *    interface). None found -> a new conversation; `tcp.stream` = a counter incremented for every
 *    new TCP conversation, so ids are 0-based in order of first packet.
 * 2. Each direction of the conversation has a `base_seq` with a TCP_S_BASE_SEQ_SET flag, set once:
 *    - by the first packet *sent* in that direction: base_seq = seq for a SYN, seq - 1 otherwise;
 *    - or, if that has not happened yet, by the first packet with the ACK flag sent the other
 *      way: base_seq = ack - 1 (the ISN a SYN in that direction would have had).
 * 3. A pure SYN (SYN set, ACK clear) whose direction already has base_seq set and whose seq
 *    differs from it starts a NEW conversation on the same addresses and ports (new tcp.stream,
 *    fresh base_seqs, "TCP port numbers reused"). A pure SYN with seq == base_seq stays in the
 *    conversation (a retransmitted SYN) - even after the connection was closed by FIN or RST:
 *    Wireshark 4.0 does not look at FIN/RST state here (checked with tshark 4.0.17 on
 *    test/fixtures/tcp/id-rules.pcap). Nothing else (no FIN, RST, time gap) starts a new stream,
 *    so packets after a close without a new SYN keep the old id.
 * 4. A SYN/ACK whose seq differs from its direction's base_seq never starts a conversation: it
 *    stays in the current one and overwrites that base_seq with its seq (issue 16944).
 *
 * Differences, by design: Wireshark never forgets a conversation; we forget tuples closed long
 * ago (maxTombstones / idle timeout) and connections completed as 'idle' or 'evicted', so a
 * later packet on such a tuple gets a new id. Frames Wireshark dissects as TCP inside ICMP errors
 * or IP fragments (which also create conversations there) never reach this stage.
 */
import { TcpFlag } from '../net/types.js';

const { SYN, ACK } = TcpFlag;

/** Wireshark's per-direction base_seq state for one 4-tuple (index A->B / B->A). */
export interface BaseSeqState {
  /** bit 0: A->B base set, bit 1: B->A base set. */
  baseSet: number;
  baseAB: number;
  baseBA: number;
}

export function resetBaseSeqs(st: BaseSeqState): void {
  st.baseSet = 0;
  st.baseAB = 0;
  st.baseBA = 0;
}

/** Rule 3: a pure SYN with a sequence number other than its direction's base_seq. */
export function startsNewStream(st: BaseSeqState, fromA: boolean, flags: number, seq: number): boolean {
  if ((flags & (SYN | ACK)) !== SYN) return false;
  const bit = fromA ? 1 : 2;
  if ((st.baseSet & bit) === 0) return false;
  return (fromA ? st.baseAB : st.baseBA) !== seq >>> 0;
}

/** Rule 4 then rule 2, for a packet that stays in (or just created) the conversation. */
export function updateBaseSeqs(st: BaseSeqState, fromA: boolean, flags: number, seq: number, ack: number): void {
  const fwd = fromA ? 1 : 2;
  const rev = fromA ? 2 : 1;
  const s = seq >>> 0;
  if ((flags & (SYN | ACK)) === (SYN | ACK) && (st.baseSet & fwd) !== 0) {
    if (fromA) st.baseAB = s;
    else st.baseBA = s;
  }
  if ((st.baseSet & fwd) === 0) {
    const base = flags & SYN ? s : (s - 1) >>> 0;
    if (fromA) st.baseAB = base;
    else st.baseBA = base;
    st.baseSet |= fwd;
  }
  if ((st.baseSet & rev) === 0 && flags & ACK) {
    const base = (ack - 1) >>> 0;
    if (fromA) st.baseBA = base;
    else st.baseAB = base;
    st.baseSet |= rev;
  }
}
