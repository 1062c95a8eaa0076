/** Pieces of hand-made connection models for rule tests. */
import type { TcpFacts } from '../../src/analysis/model.js';

const zero = () => ({ clientToServer: 0, serverToClient: 0 });

/** TCP facts of a connection whose SYN was seen and nothing else counted; `extra` sets the rest
 * (finFrames, rstFrames ...). */
export function quietTcp(extra: Partial<TcpFacts> = {}): TcpFacts {
  return { packets: zero(), bytes: zero(), retransmissions: zero(), gaps: zero(), gapBytes: zero(), synSeen: true, ...extra };
}
