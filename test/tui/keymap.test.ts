import { describe, expect, it } from 'vitest';
import { actionsFor, BINDINGS, footerHints, helpLines, keyName } from '../../src/tui/view-model/keymap.js';
import { footerLine } from '../../src/tui/view-model/header.js';
import { lineText } from '../../src/tui/view-model/styled.js';

describe('key map and help', () => {
  it('normalises blessed key events', () => {
    expect(keyName('j', { full: 'j', name: 'j' })).toBe('j');
    expect(keyName('G', { full: 'S-g', name: 'g', shift: true } as never)).toBe('G');
    expect(keyName('?', { full: '?' })).toBe('?');
    expect(keyName(' ', { full: 'space', name: 'space' })).toBe('space');
    expect(keyName('\r', { full: 'enter', name: 'enter' })).toBe('enter');
    expect(keyName(undefined, { full: 'S-tab', name: 'tab', shift: true } as never)).toBe('S-tab');
    expect(keyName('\x03', { full: 'C-c', name: 'c', ctrl: true })).toBe('C-c');
    expect(keyName(undefined, { full: 'down', name: 'down' })).toBe('down');
  });

  it('maps the keys of the issue to actions', () => {
    expect(actionsFor('j')).toEqual(['down']);
    expect(actionsFor('down')).toEqual(['down']);
    expect(actionsFor('k')).toEqual(['up']);
    expect(actionsFor('enter')).toEqual(['enter']);
    expect(actionsFor('tab')).toEqual(['nextPane']);
    expect(actionsFor('?')).toEqual(['help']);
    expect(actionsFor('q')).toEqual(['quit']);
    expect(actionsFor('/')).toEqual(['search']);
    expect(actionsFor('unbound')).toEqual([]);
  });

  it('no key is bound twice, and the help lists every binding', () => {
    const seen = new Map<string, string>();
    for (const b of BINDINGS) for (const k of b.keys) {
      expect(seen.get(k), `key ${k}`).toBeUndefined();
      seen.set(k, b.action);
    }
    const help = helpLines(200).map(lineText).join('\n');
    for (const b of BINDINGS) {
      expect(help).toContain(b.label);
      expect(help).toContain(b.help);
    }
    expect(help).toContain('Mouse');
  });
});

describe('F1 and the hint bar', () => {
  it('F1 (blessed names it f1) opens the help', () => {
    expect(keyName(undefined, { full: 'f1', name: 'f1' })).toBe('f1');
    expect(actionsFor('f1')).toEqual(['help']);
  });

  it.each(['connections', 'connection', 'stats'] as const)('%s at 80 columns: the hints fit and keep "? help  q quit"', (view) => {
    const h = footerHints(view, 80);
    expect(h.length).toBeLessThanOrEqual(80);
    expect(h.endsWith('? help  q quit')).toBe(true);
    expect(lineText(footerLine(view, 80))).toBe(h);
  });

  it('the connection view with the loading progress in front still ends with q quit; wide terminals get every hint', () => {
    const line = lineText(footerLine('connection', 80, undefined, { packets: 10, bytes: 1000, fileSize: 10_000, perPacketOverhead: 16 }));
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line.endsWith('? help  q quit')).toBe(true);
    expect(footerHints('connections', 200)).toBe('Enter open  / search  f failed  m mTLS  t 1.3  a all  s sort  v stats  ? help  q quit');
    expect(footerHints('connections', 20)).toBe('? help  q quit');
  });
});
