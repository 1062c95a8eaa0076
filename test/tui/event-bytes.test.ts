import { describe, expect, it } from 'vitest';
import { eventBytes, setEventBytes } from '../../src/analysis/event-bytes.js';
import type { EventModel } from '../../src/analysis/model.js';

describe('event bytes kept beside the model', () => {
  it('are found again but never serialised to JSON nor listed as keys', () => {
    const e: EventModel = { frame: 1, time: 't', direction: 'client->server', kind: 'alert', visibility: 'plaintext' };
    const raw = new Uint8Array([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30]);
    const before = JSON.stringify(e);
    setEventBytes(e, { raw, record: raw, rawOffset: 0 });
    expect(eventBytes(e)?.raw).toBe(raw);
    expect(JSON.stringify(e)).toBe(before);
    expect(Object.keys(e)).toEqual(['frame', 'time', 'direction', 'kind', 'visibility']);
    expect(eventBytes({ ...e, frame: 2 } as EventModel)?.raw).toBe(raw); // a spread copy keeps them
    expect(eventBytes({ frame: 3, time: 't', direction: 'client->server', kind: 'alert', visibility: 'plaintext' })).toBeUndefined();
  });
});
