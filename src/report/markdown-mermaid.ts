/**
 * The handshake ladder for Markdown as a mermaid `sequenceDiagram` (GitHub, GitLab and most
 * Markdown viewers render it): participants Client and Server, one arrow per event in wire order
 * labelled `frame: message`, the client Certificate and every problem alert with a note, the
 * decisive alert drawn as a cross arrow. Inferred events use the dotted arrow. Wire strings go
 * through escapeMermaid (no `;`, `#`, quotes, backticks or newlines reach the syntax).
 */
import type { ConnectionModel, EventModel } from '../analysis/model.js';
import { clientCertificateEvent, decisiveAlert, eventLabel, isProblemAlert } from './ladder.js';
import { escapeMermaid as mm } from './sanitize.js';

/** At most this many arrows per diagram (long application-data runs); the rest are counted. */
export const MERMAID_MAX_EVENTS = 200;

const TAG: Record<string, string> = { plaintext: '', decrypted: ' [decrypted]', inferred: ' [inferred]' };

function arrow(e: EventModel, decisive: boolean): string {
  const toServer = e.direction === 'client->server';
  const [from, to] = toServer ? ['C', 'S'] : ['S', 'C'];
  const shaft = decisive ? (e.visibility === 'inferred' ? '--x' : '-x') : e.visibility === 'inferred' ? '-->>' : '->>';
  return `    ${from}${shaft}${to}: ${e.frame}: ${mm(eventLabel(e) + (TAG[e.visibility] ?? ''))}`;
}

/** The lines of the ```mermaid block (fence included). */
export function mermaidLadder(c: ConnectionModel): string[] {
  const out = ['```mermaid', 'sequenceDiagram', '    participant C as Client', '    participant S as Server'];
  const cert = clientCertificateEvent(c);
  const decisive = decisiveAlert(c);
  const shown = c.events.slice(0, MERMAID_MAX_EVENTS);
  for (const e of shown) {
    out.push(arrow(e, e === decisive));
    const side = e.direction === 'client->server' ? 'right of C' : 'left of S';
    if (e === cert) out.push(`    Note ${side}: client certificate${c.clientCertificate.status === 'empty' ? ' (EMPTY)' : ''}, frame ${e.frame}`);
    else if (e === decisive) out.push(`    Note ${side}: decisive alert, sent by the ${e.direction === 'client->server' ? 'client' : 'server'}`);
    else if (isProblemAlert(e)) out.push(`    Note ${side}: alert, sent by the ${e.direction === 'client->server' ? 'client' : 'server'}`);
  }
  if (c.events.length > shown.length) out.push(`    Note over C,S: ${c.events.length - shown.length} more events (see --format text)`);
  out.push('```');
  return out;
}
