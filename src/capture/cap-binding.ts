/**
 * The optional libpcap binding (npm package "cap"), loaded lazily so file analysis never needs it,
 * plus the interface list built from it (like `tshark -D`).
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { CaptureError } from './types.js';

export const CAP_MISSING_MESSAGE =
  'live capture needs the libpcap binding (npm package "cap"): run apt-get install libpcap-dev && npm rebuild cap';

/** One address of a device as cap reports it (pcap_findalldevs). */
export interface CapAddress {
  addr?: string;
  netmask?: string;
  broadaddr?: string;
  dstaddr?: string;
}

export interface CapDevice {
  name: string;
  description?: string;
  addresses: CapAddress[];
  flags?: string;
}

/** A cap capture handle: open() returns the link type name and starts emitting 'packet' events. */
export interface CapHandle extends EventEmitter {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): boolean;
}

export interface CapModule {
  Cap: {
    new (): CapHandle;
    deviceList(): CapDevice[];
  };
}

const loaded = new Map<string, CapModule>();

/** Loads the binding (cached); throws CaptureError with install advice when it is missing or broken. */
export function loadCap(moduleId = 'cap'): CapModule {
  const hit = loaded.get(moduleId);
  if (hit !== undefined) return hit;
  let mod: CapModule;
  try {
    mod = createRequire(import.meta.url)(moduleId) as CapModule;
  } catch {
    throw new CaptureError(CAP_MISSING_MESSAGE);
  }
  if (typeof mod?.Cap !== 'function' || typeof mod.Cap.deviceList !== 'function') {
    throw new CaptureError(CAP_MISSING_MESSAGE);
  }
  loaded.set(moduleId, mod);
  return mod;
}

/** A capture interface, as `tls-inspect interfaces` lists it. */
export interface InterfaceInfo {
  name: string;
  description?: string;
  /** IPv4/IPv6 addresses of the interface. */
  addresses: string[];
  loopback: boolean;
}

/** The interfaces libpcap can capture on, in libpcap's order (the order `tshark -D` uses). */
export function listInterfaces(cap: CapModule = loadCap()): InterfaceInfo[] {
  let devices: CapDevice[];
  try {
    devices = cap.Cap.deviceList();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new CaptureError(`cannot list capture interfaces: ${msg}`);
  }
  return devices.map((d) => {
    const info: InterfaceInfo = {
      name: d.name,
      addresses: (d.addresses ?? []).flatMap((a) => (a.addr !== undefined ? [a.addr] : [])),
      loopback: d.flags === 'PCAP_IF_LOOPBACK',
    };
    if (d.description !== undefined) info.description = d.description;
    return info;
  });
}

/**
 * Text like `tshark -D`: "1. eth0", "3. lo (Loopback)", with the description in parentheses,
 * followed here by the addresses.
 */
export function formatInterfaces(list: readonly InterfaceInfo[]): string {
  return list
    .map((i, n) => {
      const desc = i.description ?? (i.loopback ? 'Loopback' : undefined);
      const addrs = i.addresses.length > 0 ? `  [${i.addresses.join(', ')}]` : '';
      return `${n + 1}. ${i.name}${desc !== undefined ? ` (${desc})` : ''}${addrs}`;
    })
    .join('\n');
}
