import { describe, expect, it } from 'vitest';
import { actionsFor, BINDINGS, helpLines, keyName } from '../../src/tui/view-model/keymap.js';
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
