/**
 * The per-direction protection state (src/tls/protection-state.ts) as a state machine:
 * plaintext -> protected | awaiting-secret | undecryptable, and what each transition does with
 * kept records, their events and the "secret missing" warnings. Late secrets are transitions
 * here, driven by a fake key provider whose key log grows between calls.
 */
import { describe, expect, it } from 'vitest';
import type { Side, TcpConnection } from '../../src/tcp/types.js';
import type { TlsEvent, TlsFacts } from '../../src/tls/events.js';
import { EventLog } from '../../src/tls/event-log.js';
import { newTlsFacts } from '../../src/tls/facts.js';
import type { ConnectionKeys, KeyProvider, KeyStage, RecordProtection } from '../../src/tls/protection.js';
import { ProtectionState, type ProtectionHost } from '../../src/tls/protection-state.js';
import type { RecordInfo } from '../../src/tls/record-reader.js';
import type { WarningCode } from '../../src/warning-codes.js';

const CLIENT: Side = 0;
const SERVER: Side = 1;

/** A key log that grows: `add('client', 'tls13-application')` makes that secret known. */
class FakeKeys implements KeyProvider {
  readonly known = new Set<string>();
  gen = 0;
  /** The connection's ClientHello random is in the log (any secret of it). */
  hasRandom = false;
  /** Decryption of every record fails fatally (wrong keys). */
  wrong = false;
  constructor(readonly lateKeysPossible: boolean) {}
  add(who: 'client' | 'server', stage: KeyStage): void {
    this.known.add(`${who} ${stage}`);
    this.hasRandom = true;
    this.gen++;
  }
  generation(): number {
    return this.gen;
  }
  lookup(): ConnectionKeys | null {
    if (!this.hasRandom) return null;
    return {
      protection: (isClient: boolean, stage: KeyStage, warn: (code: WarningCode, m: string) => void): RecordProtection | null => {
        const key = `${isClient ? 'client' : 'server'} ${stage}`;
        if (!this.known.has(key) && stage !== 'tls12-ccs') {
          warn('keylog-secret-missing', `${key} secret missing`);
          return null;
        }
        return {
          decrypt: () => (this.wrong
            ? { ok: false, reason: 'bad record MAC', fatal: true }
            : { ok: true, contentType: 23, plaintext: new Uint8Array(3), plaintextOffset: 0 }),
        };
      },
    };
  }
}

function info(frame: number, contentType = 23): RecordInfo {
  return { index: frame, contentType, version: 0x0303, length: 20, streamOffset: frame * 100, firstFrame: frame, frame, frames: [frame], tsSec: 0, tsNsec: 0, sslv2: false };
}

/** The connection side of the seam: records go where tls-connection.ts sends them. */
class Host implements ProtectionHost {
  readonly facts: TlsFacts = newTlsFacts();
  readonly log = new EventLog(this.facts, 1000, {} as TcpConnection, { complete: () => undefined });
  readonly installs: Side[] = [];
  readonly decrypted: number[] = [];
  state!: ProtectionState;
  installed(side: Side): void {
    this.installs.push(side);
  }
  /** Like TlsConnection.readProtected: decrypt when protected, else an encrypted event (kept if possible). */
  readProtected(side: Side, i: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    if (this.state.phase(side) === 'protected') {
      if (this.state.decrypt(side, i, header, body).ok) this.decrypted.push(i.frame);
      else this.undecryptable(side, i);
      return;
    }
    this.undecryptable(side, i, header, body);
  }
  readEarly(side: Side, i: RecordInfo, header: Uint8Array, body: Uint8Array): void {
    this.readProtected(side, i, header, body);
  }
  undecryptable(side: Side, i: RecordInfo, header?: Uint8Array, body?: Uint8Array): void {
    this.facts.encryptedRecords[side]++;
    const kept = this.state.undecryptable(side, i, header, body);
    const ev = { side, kind: 'encrypted', visibility: 'plaintext', frame: i.frame, frames: i.frames, tsSec: 0, tsNsec: 0, streamOffset: i.streamOffset, recordIndex: i.index, length: i.length } as TlsEvent;
    this.state.dirs[side].encryptedEvents++;
    if (kept) kept.event = ev;
    this.log.push(ev);
  }
  /** A protected record arriving from the wire (onRecord's path). */
  record(side: Side, frame: number): void {
    this.state.beforeRecord(side);
    this.readProtected(side, info(frame), new Uint8Array(5), new Uint8Array(20));
  }
}

function setup(opts: { late: boolean; version: number }) {
  const keys = new FakeKeys(opts.late);
  const host = new Host();
  host.facts.version = opts.version;
  host.facts.clientRandom = new Uint8Array(32);
  host.state = new ProtectionState(host, keys, undefined);
  return { keys, host, state: host.state };
}

describe('protection state transitions', () => {
  it('plaintext until the switch; with the secret known the direction is protected', () => {
    const { keys, host, state } = setup({ late: false, version: 0x0304 });
    keys.add('client', 'tls13-handshake');
    expect(state.phase(CLIENT)).toBe('plaintext');
    expect(state.readsAsProtected(CLIENT, true)).toBe(false);
    state.switchOn(CLIENT, 'tls13-handshake');
    expect(state.phase(CLIENT)).toBe('protected');
    expect(state.phase(SERVER)).toBe('plaintext');
    expect(host.installs).toEqual([CLIENT]);
    host.record(CLIENT, 5);
    expect(host.decrypted).toEqual([5]);
    expect(host.facts.decrypted).toBe(true);
  });

  it('no keys and none can come: undecryptable, nothing kept, TLS 1.2 application data only counted', () => {
    const { host, state } = setup({ late: false, version: 0x0303 });
    state.switchOn(CLIENT, 'tls12-ccs');
    expect(state.phase(CLIENT)).toBe('undecryptable');
    expect(state.readsAsProtected(CLIENT, true)).toBe(false);
    expect(state.readsAsProtected(CLIENT, false)).toBe(true);
    expect(state.wantsBody(CLIENT, 100)).toBe(false);
    expect(state.undecryptable(CLIENT, info(7), new Uint8Array(5), new Uint8Array(20))).toBeNull();
    expect(state.keptRecords).toBe(0);
    expect(host.facts.warnings).toEqual([]);
  });

  it('a late TLS 1.2 secret (DSB after the packets): awaiting-secret keeps the records, the secret replays them', () => {
    const { keys, host, state } = setup({ late: true, version: 0x0303 });
    state.switchOn(CLIENT, 'tls12-ccs');
    expect(state.phase(CLIENT)).toBe('awaiting-secret');
    expect(state.readsAsProtected(CLIENT, true)).toBe(true);
    expect(state.wantsBody(CLIENT, 100)).toBe(true);
    host.record(CLIENT, 8);
    host.record(CLIENT, 9);
    expect([state.keptRecords, host.facts.events.length, host.facts.encryptedRecords[CLIENT]]).toEqual([2, 2, 2]);
    expect(state.lateSecrets()).toBe(false); // nothing new in the key log
    keys.add('client', 'tls12-ccs');
    expect(state.lateSecrets()).toBe(true);
    expect(state.phase(CLIENT)).toBe('protected');
    expect(state.dirs[CLIENT].expectFinished).toBe(true); // TLS 1.2 replays start at the Finished again
    expect(host.decrypted).toEqual([8, 9]);
    // the encrypted events and counts of the kept records were retracted
    expect([state.keptRecords, host.facts.events.length, host.facts.encryptedRecords[CLIENT], state.dirs[CLIENT].encryptedEvents]).toEqual([0, 0, 0, 0]);
  });

  it('TLS 1.2 keys come whole: once found, a direction without protection is undecryptable', () => {
    const { keys, state } = setup({ late: true, version: 0x0303 });
    state.switchOn(CLIENT, 'tls12-ccs');
    state.switchOn(SERVER, null); // e.g. no key stage for it
    expect(state.phase(SERVER)).toBe('awaiting-secret');
    keys.add('client', 'tls12-ccs');
    state.install(CLIENT, 'tls12-ccs');
    expect([state.phase(CLIENT), state.phase(SERVER)]).toEqual(['protected', 'undecryptable']);
  });

  it('a late TLS 1.3 stage secret: the application secret logged after the Finished', () => {
    const { keys, host, state } = setup({ late: true, version: 0x0304 });
    keys.add('client', 'tls13-handshake');
    keys.add('server', 'tls13-handshake');
    state.switchOn(CLIENT, 'tls13-handshake');
    state.switchOn(SERVER, 'tls13-handshake');
    expect([state.phase(CLIENT), state.phase(SERVER)]).toEqual(['protected', 'protected']);
    // the client's Finished: its application secret is not in the key log yet
    state.install(CLIENT, 'tls13-application');
    expect(state.phase(CLIENT)).toBe('awaiting-secret');
    host.record(CLIENT, 20);
    expect(host.facts.warnings).toEqual([{ code: 'keylog-secret-missing', message: 'client->server: client tls13-application secret missing', frame: 20, offset: 2000, side: 0 }]);
    expect(state.keptRecords).toBe(1);
    // the key log grows: the next record of that direction installs the secret first
    keys.add('client', 'tls13-application');
    expect(state.lateSecrets()).toBe(true);
    expect(state.phase(CLIENT)).toBe('protected');
    expect(host.decrypted).toEqual([20]);
    // the warning about the missing secret no longer holds
    expect(host.facts.warnings).toEqual([]);
    host.record(CLIENT, 21);
    expect(host.decrypted).toEqual([20, 21]);
  });

  it('the key log grows while records flow: beforeRecord installs the stage secret before reading', () => {
    const { keys, host, state } = setup({ late: false, version: 0x0304 });
    keys.add('server', 'tls13-handshake');
    state.switchOn(CLIENT, 'tls13-handshake');
    expect(state.phase(CLIENT)).toBe('undecryptable'); // no late keys: nothing is kept
    keys.add('client', 'tls13-handshake');
    host.record(CLIENT, 4);
    expect(state.phase(CLIENT)).toBe('protected');
    expect(host.decrypted).toEqual([4]);
  });

  it('a fatal decryption failure ends the protection (wrong keys)', () => {
    const { keys, host, state } = setup({ late: false, version: 0x0303 });
    keys.add('client', 'tls12-ccs');
    keys.wrong = true;
    state.switchOn(CLIENT, 'tls12-ccs');
    expect(state.phase(CLIENT)).toBe('protected');
    host.record(CLIENT, 6);
    expect(state.phase(CLIENT)).toBe('undecryptable');
    expect(host.facts.keyProblem).toBe('key log entry for this ClientHello random does not decrypt this connection');
    expect(host.facts.warnings).toEqual([{ code: 'tls-record-decrypt-failed', message: 'client->server: record 6 in frame 6 did not decrypt: bad record MAC', frame: 6, offset: 600, side: 0 }]);
    expect(host.decrypted).toEqual([]);
  });

  it('0-RTT records are kept until the ServerHello, then read under the early secret and put back in wire order', () => {
    const { keys, host, state } = setup({ late: false, version: 0x0304 });
    keys.add('client', 'tls13-early');
    keys.add('client', 'tls13-handshake');
    const early = (frame: number) => {
      const ev = { side: CLIENT, kind: 'encrypted', frame, frames: [frame], streamOffset: frame * 100 } as TlsEvent;
      host.log.push(ev);
      state.keepEarly(info(frame), new Uint8Array(5), new Uint8Array(20), ev);
    };
    early(2);
    early(3);
    host.log.push({ side: SERVER, kind: 'handshake', frame: 4, frames: [4], streamOffset: 0 } as TlsEvent);
    state.switchOn(CLIENT, 'tls13-handshake');
    state.replayEarly();
    expect(host.decrypted).toEqual([2, 3]);
    expect(host.facts.events.map((e) => [e.kind, e.frame])).toEqual([['handshake', 4]]);
    expect(state.phase(CLIENT)).toBe('protected'); // back to the handshake secret
  });
});

function eventLog() {
  const facts = newTlsFacts();
  return { facts, log: new EventLog(facts, 10, {} as TcpConnection, { complete: () => undefined }) };
}

describe('event log', () => {
  it('keeps wire order after a retract and replay: frame, then stream offset, then arrival', () => {
    const facts = newTlsFacts();
    const announced: number[] = [];
    const log = new EventLog(facts, 3, {} as TcpConnection, { complete: () => undefined, event: (_c, _f, e) => announced.push(e.frame) });
    const ev = (frame: number, streamOffset: number) => ({ side: 0, kind: 'encrypted', frame, streamOffset }) as TlsEvent;
    const a = ev(5, 10);
    log.push(ev(7, 0));
    log.push(a);
    log.retract([a, null]);
    log.push(ev(5, 30));
    log.push(ev(5, 20));
    log.push(ev(9, 0)); // over the cap of 3: counted
    log.toWireOrder();
    expect(facts.events.map((e) => [e.frame, e.streamOffset])).toEqual([[5, 20], [5, 30], [7, 0]]);
    expect(facts.eventsDropped).toBe(1);
    expect(announced).toEqual([7, 5, 5, 5]);
    const w = log.warn(1, 'keylog-secret-missing', 'gone soon');
    log.warn(0, 'tcp-capture-gap', 'stays');
    log.withdraw([w!]);
    expect(facts.warnings.map((x) => [x.code, x.message])).toEqual([['tcp-capture-gap', 'client->server: stays']]);
  });

  it('withdraws a warning by its code, direction and frame, not by its text', () => {
    const { log, facts } = eventLog();
    // the same words about two frames of one direction, and about the other direction
    const first = log.warn(0, 'keylog-secret-missing', 'secret missing', 4, 40);
    log.warn(0, 'keylog-secret-missing', 'secret missing', 9, 90);
    log.warn(1, 'keylog-secret-missing', 'secret missing', 4, 40);
    log.warn(0, 'tls-record-decrypt-failed', 'secret missing', 4, 40);
    log.withdraw([first!]);
    expect(facts.warnings.map((x) => [x.code, x.side, x.frame])).toEqual([
      ['keylog-secret-missing', 0, 9], ['keylog-secret-missing', 1, 4], ['tls-record-decrypt-failed', 0, 4],
    ]);
  });
});
