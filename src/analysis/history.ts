/**
 * Zeek's ssl_history letters (scripts/base/protocols/ssl/main.zeek): one letter per event, upper
 * case when the client sent it. Capped like Zeek's max_ssl_history_length.
 */
import type { Side } from '../tcp/types.js';
import type { TlsEvent } from '../tls/events.js';

export const MAX_HISTORY = 100;

const HANDSHAKE_LETTER: Record<number, string> = {
  0: 'h',
  1: 'c',
  2: 's',
  3: 'v',
  4: 't',
  5: 'e',
  6: 'j',
  8: 'o',
  11: 'x',
  12: 'k',
  13: 'r',
  14: 'n',
  15: 'y',
  16: 'g',
  20: 'f',
  21: 'w',
  22: 'u',
  23: 'a',
  24: 'p',
  254: 'm',
};

function letter(ev: TlsEvent): string {
  switch (ev.kind) {
    case 'handshake':
      if (ev.type === 'HelloRetryRequest') return 'j';
      return HANDSHAKE_LETTER[ev.handshakeType ?? -1] ?? 'z';
    case 'change_cipher_spec':
      return 'i';
    case 'alert':
      return 'l';
    case 'heartbeat':
      return 'b';
    case 'encrypted':
      // Zeek logs no letter for undecryptable records except encrypted alerts (the outer type
      // shows an alert); an inferred Finished gets its letter.
      if (ev.type === 'Alert') return 'l';
      if (ev.visibility === 'inferred' && ev.type === 'Finished') return 'f';
      return '';
  }
}

export function historyLetters(events: TlsEvent[], clientSide: Side): string {
  let out = '';
  for (const ev of events) {
    const l = letter(ev);
    if (!l) continue;
    out += ev.side === clientSide ? l.toUpperCase() : l;
    if (out.length >= MAX_HISTORY) break;
  }
  return out;
}
