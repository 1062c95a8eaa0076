import { describe, expect, it } from 'vitest';
import { extensionDetails } from '../../src/tls/messages/index.js';
import type { TlsExtension } from '../../src/tls/messages/types.js';

describe('extensionDetails', () => {
  it('lists decoded fields in the report order, whatever order the decoder set them in', () => {
    const e = { type: 51, length: 40, grease: false } as TlsExtension;
    // set in reverse of the report order
    e.echPayloadLength = 9;
    e.paddingLength = 3;
    e.pskModes = [1];
    e.keyLength = 32;
    e.selectedGroup = 29;
    e.versions = [0x0304];
    e.signatureSchemes = [0x0403];
    e.groups = [29];
    e.statusType = 1;
    e.serverNames = ['a.example'];
    expect(Object.keys(extensionDetails(e))).toEqual([
      'type', 'name', 'length', 'serverNames', 'statusType', 'groups', 'signatureAlgorithms', 'versions',
      'group', 'keyLength', 'modes', 'paddingLength', 'payloadLength',
    ]);
  });

  it('leaves out fields present but undefined, and unknown fields', () => {
    const e = { type: 0, length: 0, grease: true, serverNames: undefined, keyLength: undefined } as TlsExtension;
    (e as unknown as Record<string, unknown>).somethingElse = 1;
    expect(extensionDetails(e)).toEqual({ type: 0, name: 'server_name', length: 0, grease: true });
    expect(Object.keys(extensionDetails(e))).toEqual(['type', 'name', 'length', 'grease']);
  });
});
