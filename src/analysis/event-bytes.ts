/**
 * The wire bytes of an event, kept beside the EventModel (never inside it) so JSON output does not
 * grow: set by build-connection.ts when the analysis keeps bytes (TUI hex pane), read by the TUI.
 * A WeakMap: the bytes live exactly as long as the event model does.
 */
import type { EventModel } from './model.js';

export interface EventBytes {
  /** The message (handshake: 4-byte header + body) or the whole record (other events). */
  raw: Uint8Array;
  /** The record the message came in, when kept; `raw` starts at `rawOffset` inside it. */
  record?: Uint8Array;
  rawOffset?: number;
}

const bytesOf = new WeakMap<EventModel, EventBytes>();

export function setEventBytes(e: EventModel, b: EventBytes): void {
  bytesOf.set(e, b);
}

export function eventBytes(e: EventModel): EventBytes | undefined {
  return bytesOf.get(e);
}
