/**
 * The TuiApp wired to fake terminal streams (no tmux): keys in, screen bytes out. Checks the key
 * dispatch and that views render without throwing, on hand-made connections.
 */
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TuiApp } from '../../src/tui/app.js';
import { oneWayTls13, variant, wrongCaTls12 } from './fixtures.js';

class FakeTty extends Writable {
  columns = 100;
  rows = 30;
  isTTY = true;
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

function fakeInput(): PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void } {
  const p = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void };
  p.isTTY = true;
  p.setRawMode = () => undefined;
  return p;
}

let app: TuiApp | undefined;
afterEach(() => {
  app?.destroy();
  app = undefined;
});

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
}

function start(): { app: TuiApp; input: ReturnType<typeof fakeInput>; out: FakeTty } {
  const out = new FakeTty();
  const input = fakeInput();
  app = new TuiApp({ source: 'test.pcap', mode: 'file', input, output: out, terminal: 'xterm-256color', captureStderr: false, color: true });
  app.addConnection(oneWayTls13(1));
  app.addConnection(wrongCaTls12());
  app.addConnection(variant(7, { serverName: 'other.example', verdict: 'mtls-ok', alerts: [] }));
  return { app, input, out };
}

describe('TuiApp key dispatch (fake terminal)', () => {
  it('quick filters, sort and search from the keyboard', async () => {
    const { app: a, input } = start();
    input.write('f');
    await settle();
    expect([...a.table.filters]).toEqual(['failed']);
    expect(a.table.visible.map((r) => r.id)).toEqual([4]);
    input.write('fm');
    await settle();
    expect(a.table.visible.map((r) => r.id)).toEqual([4, 7]);
    input.write('a/other');
    await settle();
    expect(a.table.searchText).toBe('other');
    expect(a.table.visible.map((r) => r.id)).toEqual([7]);
    input.write('\x1b'); // Esc cancels the search being typed
    await settle();
    expect(a.table.searchText).toBe('');
    input.write('sS');
    await settle();
    expect(a.table.sort).toEqual({ key: 'client', descending: true });
  });

  it('Enter opens the connection with the ladder, Esc goes back, ? opens help, q quits with 0', async () => {
    const { app: a, input, out } = start();
    const done = a.waitForQuit();
    input.write('j'); // row 2: connection 4 (sorted by id: 1, 4, 7)
    await settle();
    out.text = '';
    input.write('\r');
    await settle();
    expect(out.text).toContain('#4 127.0.0.1:46028 -> 127.0.0.1:44302');
    expect(out.text).toContain('Certificate (1 cert)');
    input.write('\t\t');
    input.write('z');
    input.write('v');
    await settle();
    input.write('v');
    input.write('?');
    await settle();
    expect(out.text).toContain('Help: keys');
    input.write('\x1b');
    input.write('\x1b');
    await settle();
    out.text = '';
    input.write('q');
    await expect(done).resolves.toBe(0);
    expect(out.text).toContain('\x1b[?1049l'); // left the alternate screen
  });

  it('the cursor starts on the first row, also when rows arrive above the first one', async () => {
    const out = new FakeTty();
    const input = fakeInput();
    app = new TuiApp({ source: 'test.pcap', mode: 'file', input, output: out, terminal: 'xterm-256color', captureStderr: false, color: true });
    // connections finish out of id order (a long-lived id 1 ends last)
    app.addConnection(variant(7, { serverName: 'other.example', verdict: 'mtls-ok', alerts: [] }));
    app.render();
    app.addConnection(wrongCaTls12());
    app.render();
    app.addConnection(oneWayTls13(1));
    await new Promise((r) => setTimeout(r, 150));
    out.text = '';
    input.write('\r');
    await settle();
    expect(app.table.visible.map((r) => r.id)).toEqual([1, 4, 7]);
    expect(out.text).toMatch(/#1 \S+ -> /);
  });

  it('a clears the search words too: later filters count all connections', async () => {
    const { app: a, input, out } = start();
    input.write('/other\r');
    await settle();
    expect(a.table.visible.map((r) => r.id)).toEqual([7]);
    input.write('a');
    await settle();
    expect(a.table.searchText).toBe('');
    expect(a.table.visible.map((r) => r.id)).toEqual([1, 4, 7]);
    out.text = '';
    input.write('f');
    await settle();
    expect(a.table.visible.map((r) => r.id)).toEqual([4]);
    expect(a.table.counts().shown).toBe(1);
  });

  it('F1 opens the help', async () => {
    const { input, out } = start();
    out.text = '';
    input.write('\x1bOP'); // xterm F1
    await settle();
    expect(out.text).toContain('Help: keys');
  });

  it('connections arriving while the user looks keep the selection on the same connection', async () => {
    const { app: a, input, out } = start();
    input.write('G'); // last row: id 7
    await settle();
    a.addConnection(variant(2, { serverName: 'early.example' }));
    a.addConnection(variant(3, { serverName: 'early2.example' }));
    await new Promise((r) => setTimeout(r, 150));
    out.text = '';
    input.write('\r');
    await settle();
    // the connection view shows 7, not whatever moved under the cursor
    expect(out.text).toContain('#7 127.0.0.1:46028');
    input.write('\x1b');
    await settle();
    expect(a.table.visible.map((r) => r.id)).toEqual([1, 2, 3, 4, 7]);
  });
});
