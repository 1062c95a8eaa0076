import type { TlsFacts } from './events.js';

export function newTlsFacts(): TlsFacts {
  return {
    isTls: false,
    clientSide: 0,
    sslv2ClientHello: false,
    version: 0,
    cipherSuite: -1,
    helloRetryRequest: false,
    resumed: false,
    encryptThenMac: false,
    extendedMasterSecret: false,
    appData: [
      { records: 0, bytes: 0 },
      { records: 0, bytes: 0 },
    ],
    startTlsOffset: null,
    decrypted: false,
    encryptedRecords: [0, 0],
    events: [],
    eventsDropped: 0,
    warnings: [],
    warningsDropped: 0,
  };
}
