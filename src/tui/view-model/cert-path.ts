/**
 * "Where is the client certificate?" as a path down the layers:
 *   frame -> TCP segment(s) -> TLS record -> handshake message (offset, length) -> subject / issuer
 * or, when there is none, the model's sentence (EMPTY / not requested / not sent / unknown).
 */
import type { ConnectionModel, EventModel } from '../../analysis/model.js';
import { displayText } from './text.js';
import { certStatusLabel, type CertStatusLabel } from './rows.js';

export interface ClientCertPath {
  status: CertStatusLabel;
  /** The client's Certificate event, when there is one. */
  event?: EventModel;
  /** The layers, outermost first (empty when there is no Certificate message). */
  steps: string[];
  /** The whole answer in one sentence (terminal-safe). */
  sentence: string;
  /** The CAs the server named in its CertificateRequest (terminal-safe). */
  accepted?: string[];
}

export function clientCertificateEvent(c: ConnectionModel): EventModel | undefined {
  return c.events.find((e) => e.kind === 'handshake' && e.type === 'Certificate' && e.direction === 'client->server');
}

function segmentsStep(e: EventModel): string {
  const frames = e.frames && e.frames.length > 0 ? e.frames : [e.frame];
  return frames.length > 1 ? `TCP segments in frames ${frames.join(', ')}` : `TCP segment in frame ${frames[0]}`;
}

export function clientCertPath(c: ConnectionModel): ClientCertPath {
  const cc = c.clientCertificate;
  const status = certStatusLabel(c);
  const accepted = cc.acceptedAuthorities?.map((a) => displayText(a));
  const e = clientCertificateEvent(c);
  const out: ClientCertPath = { status, steps: [], sentence: '' };
  if (accepted) out.accepted = accepted;
  if (!e) {
    const said = displayText(cc.sentence ?? 'no Certificate message from the client');
    // the model's sentence usually starts with the status already ("not requested: ...")
    const repeats = said.toLowerCase().startsWith(status.toLowerCase());
    out.sentence = repeats ? `Client certificate: ${said}` : `Client certificate ${status}: ${said}`;
    return out;
  }
  out.event = e;
  const how = e.visibility === 'decrypted' ? ' (decrypted)' : e.visibility === 'inferred' ? ' (inferred)' : '';
  const chain = e.certificates ?? [];
  const msg =
    `Certificate message at stream offset ${e.streamOffset ?? '?'}, ` +
    `${e.length ?? '?'} bytes${chain.length === 0 && e.visibility !== 'inferred' ? ', EMPTY (0 certificates)' : ''}`;
  const q = e.details as { quicPacket?: string; packetNumber?: number; cryptoOffset?: number } | undefined;
  out.steps = q?.quicPacket
    ? [
        `frame ${e.frame}`,
        `QUIC ${q.quicPacket} packet number ${q.packetNumber ?? '?'} client->server${how}`,
        `CRYPTO offset ${q.cryptoOffset ?? '?'}: Certificate message, ${e.length ?? '?'} bytes${chain.length === 0 ? ', EMPTY (0 certificates)' : ''}`,
      ]
    : [`frame ${e.frame}`, segmentsStep(e), `TLS record ${e.recordIndex ?? '?'} client->server${how}`, msg];
  if (chain.length > 0) {
    const leaf = chain[0];
    const more = chain.length > 1 ? ` (+${chain.length - 1} more in the chain)` : '';
    out.steps.push(`${displayText(leaf.subject)} issued by ${displayText(leaf.issuer)}${more}`);
  }
  const label = status === 'EMPTY' ? 'EMPTY client Certificate' : status === 'inferred' ? 'Client certificate (inferred)' : 'Client certificate';
  out.sentence = `${label}: ${out.steps.join(' -> ')}`;
  return out;
}
