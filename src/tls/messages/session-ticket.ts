/** NewSessionTicket: TLS 1.2 (RFC 5077 §3.3) and TLS 1.3 (RFC 8446 §4.6.1). */
import { ExtensionType as E } from '../registry/extensions.js';
import { decodeExtensions, findExtension } from './extensions.js';
import { ByteReader, type DecodeWarning } from './reader.js';
import type { NewSessionTicket } from './types.js';

/**
 * TLS 1.2: ticket_lifetime_hint(4) ticket<0..2^16-1>.
 * TLS 1.3: ticket_lifetime(4) ticket_age_add(4) ticket_nonce<0..255> ticket<1..2^16-1>
 * extensions<0..2^16-2> (early_data carries max_early_data_size).
 */
export function decodeNewSessionTicket(body: Uint8Array, tls13: boolean): NewSessionTicket {
  const warnings: DecodeWarning[] = [];
  const r = new ByteReader(body, warnings);
  const msg: NewSessionTicket = { tls13, lifetime: r.u32(tls13 ? 'ticket_lifetime' : 'ticket_lifetime_hint'), ticketLength: 0, warnings };
  if (tls13) {
    msg.ageAdd = r.u32('ticket_age_add');
    const nonce = r.vector(1, 'ticket_nonce');
    if (nonce === null) return msg;
    msg.nonceLength = nonce.length;
  }
  const ticket = r.vector(2, 'ticket');
  if (ticket === null) return msg;
  msg.ticketLength = ticket.length;
  if (tls13) {
    if (ticket.length === 0) warnings.push({ code: 'tls-message-field-invalid', message: 'TLS 1.3 ticket is empty' });
    if (msg.lifetime > 604800) warnings.push({ code: 'tls-message-field-invalid', message: `ticket_lifetime ${msg.lifetime} exceeds 7 days (604800 s)` });
    msg.extensions = decodeExtensions(r, 'new_session_ticket');
    const ed = findExtension(msg.extensions, E.early_data);
    if (ed?.maxEarlyDataSize !== undefined) msg.maxEarlyDataSize = ed.maxEarlyDataSize;
  }
  r.expectEnd('NewSessionTicket');
  return msg;
}
