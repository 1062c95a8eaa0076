/**
 * The tls stage: its options, and the StreamConsumer factory for src/tcp that creates one
 * TlsConnection per TCP connection and holds the connections whose secrets may still arrive.
 */
import type { MemoryCharge } from '../tcp/buffer-budget.js';
import type { StreamConsumer, TcpConnection } from '../tcp/types.js';
import type { TlsObserver } from './events.js';
import { newDeferBudget } from './deferred-records.js';
import { DerInterner } from './der-interner.js';
import { DEFAULT_TLS_OPTIONS, type ConnectionHolder, type HeldConnection, type TlsStageOptions } from './stage-options.js';
import { TlsConnection } from './tls-connection.js';
import { newTranscriptBudget, type TranscriptBudget } from './transcript.js';

export { DEFAULT_TLS_OPTIONS, type ConnectionHolder, type TlsStageOptions } from './stage-options.js';

export const MAX_HELD = 10_000;

/**
 * The tls stage: the StreamConsumer factory for src/tcp, plus the connections that finished while
 * their secrets may still arrive (held until `secretsAdded()` decrypts them or `flush()`).
 */
export class TlsStage implements ConnectionHolder {
  private readonly opts: TlsStageOptions;
  private held: HeldConnection[] = [];
  /** Most connections held at once (--jobs checks the workers' sum against MAX_HELD). */
  peakHeld = 0;
  readonly factory: (conn: TcpConnection) => StreamConsumer;

  constructor(observer: TlsObserver, opts: Partial<TlsStageOptions> = {}) {
    const o: TlsStageOptions = { ...DEFAULT_TLS_OPTIONS, ...opts };
    o.derInterner ??= new DerInterner();
    o.transcriptBudget ??= newTranscriptBudget();
    this.opts = o;
    this.factory = (conn) => {
      if (o.keys?.lateKeysPossible && !o.deferBudget) o.deferBudget = newDeferBudget();
      const c = new TlsConnection(conn, observer, o);
      c.holder = this;
      return c;
    };
  }

  /** Charge partial handshake messages to src/tcp's global memory budget (the reassembler is
   * created after this stage, around its factory). */
  useMemoryBudget(memory: MemoryCharge): void {
    this.opts.memory = memory;
  }

  hold(c: HeldConnection): void {
    c.heldAt = Date.now();
    this.held.push(c);
    if (this.held.length > this.peakHeld) this.peakHeld = this.held.length;
    if (this.held.length > MAX_HELD) this.held.shift()!.finishComplete();
  }

  /** Live runs: report connections whose secrets did not come within `maxWaitMs`. */
  expireHeld(maxWaitMs: number): void {
    const now = Date.now();
    while (this.held.length > 0 && now - this.held[0].heldAt > maxWaitMs) this.held.shift()!.finishComplete();
  }

  /** New secrets arrived: report the held connections they decrypt. */
  secretsAdded(): void {
    if (this.held.length === 0) return;
    const still: HeldConnection[] = [];
    for (const c of this.held) {
      if (c.retryLateKeys()) c.finishComplete();
      else still.push(c);
    }
    this.held = still;
  }

  /** End of input: report every held connection with what could be decrypted. */
  flush(): void {
    const held = this.held;
    this.held = [];
    for (const c of held) {
      c.retryLateKeys();
      c.finishComplete();
    }
  }

  get heldCount(): number {
    return this.held.length;
  }
}
