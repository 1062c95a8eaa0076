/**
 * The wire bytes of an event, kept beside the EventModel's JSON fields (never among them) so JSON
 * output does not grow: set by build-connection.ts when the analysis keeps bytes (TUI hex pane),
 * read by the TUI. Stored under a module-private Symbol key: JSON.stringify, Object.keys and
 * schema validation ignore symbol-keyed properties, and it costs far less than a WeakMap entry
 * (hundreds of thousands of events on big captures).
 */
import type { EventModel } from './model.js';

export interface EventBytes {
  /** The message (handshake: 4-byte header + body) or the whole record (other events). */
  raw: Uint8Array;
  /** The record the message came in, when kept; `raw` starts at `rawOffset` inside it. */
  record?: Uint8Array;
  rawOffset?: number;
}

const BYTES: unique symbol = Symbol('tls-inspect.eventBytes');

type WithBytes = EventModel & { [BYTES]?: EventBytes };

export function setEventBytes(e: EventModel, b: EventBytes): void {
  (e as WithBytes)[BYTES] = b;
}

export function eventBytes(e: EventModel): EventBytes | undefined {
  return (e as WithBytes)[BYTES];
}
