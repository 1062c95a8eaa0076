/**
 * Reads the committed sample captures (classic pcap, Ethernet + IPv4 + TCP, one connection each)
 * into handshake templates for make-big-capture.mjs: every frame's bytes, its time offset from the
 * first frame, its direction and the offsets the generator rewrites.
 *
 * A deliberately small reader (no pcap-parser): the benchmark must not measure the code it
 * generates input for with that same code.
 */
import { readFileSync } from 'node:fs';

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const ETHERTYPE_IPV4 = 0x0800;

/**
 * @typedef {object} TemplatePacket
 * @property {Buffer} data      captured bytes (a copy, never modified)
 * @property {number} relNs     nanoseconds since the template's first frame
 * @property {0|1} dir          0 = client->server (the SYN sender is the client), 1 = server->client
 * @property {number} ip        offset of the IPv4 header
 * @property {number} tcp       offset of the TCP header
 * @property {boolean} ackFlag  ACK flag set (the ack number is then rewritten too)
 */

/**
 * @typedef {object} Template
 * @property {string} name
 * @property {number} startSec   epoch seconds of the first frame
 * @property {number} startNsec
 * @property {TemplatePacket[]} packets
 * @property {number} bytes      sum of pcap record sizes (16-byte header + captured bytes)
 */

/** Parses one classic pcap file holding one Ethernet/IPv4/TCP connection. */
export function readTemplate(path, name) {
  const f = readFileSync(path);
  if (f.length < 24) throw new Error(`${path}: shorter than a pcap file header`);
  let le = true;
  let magic = f.readUInt32LE(0);
  if (magic !== MAGIC_US && magic !== MAGIC_NS) {
    le = false;
    magic = f.readUInt32BE(0);
  }
  if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new Error(`${path}: not a classic pcap file`);
  const u32 = (o) => (le ? f.readUInt32LE(o) : f.readUInt32BE(o));
  const nsPerUnit = magic === MAGIC_NS ? 1 : 1000;
  const linkType = u32(20) & 0x03ffffff;
  if (linkType !== 1) throw new Error(`${path}: link type ${linkType}, only Ethernet (1) is supported`);
  /** @type {TemplatePacket[]} */
  const packets = [];
  let off = 24;
  let startSec = 0;
  let startNsec = 0;
  let client = null;
  let bytes = 0;
  while (off + 16 <= f.length) {
    const sec = u32(off);
    const nsec = u32(off + 4) * nsPerUnit;
    const caplen = u32(off + 8);
    if (off + 16 + caplen > f.length) throw new Error(`${path}: truncated record at offset ${off}`);
    const data = Buffer.from(f.subarray(off + 16, off + 16 + caplen));
    off += 16 + caplen;
    bytes += 16 + caplen;
    if (packets.length === 0) {
      startSec = sec;
      startNsec = nsec;
    }
    if (caplen < 14 + 20 + 20 || data.readUInt16BE(12) !== ETHERTYPE_IPV4) {
      throw new Error(`${path}: frame ${packets.length + 1} is not Ethernet/IPv4`);
    }
    const ip = 14;
    const ihl = (data[ip] & 0x0f) * 4;
    if (data[ip + 9] !== 6) throw new Error(`${path}: frame ${packets.length + 1} is not TCP`);
    const tcp = ip + ihl;
    const src = `${data.readUInt32BE(ip + 12)}:${data.readUInt16BE(tcp)}`;
    const flags = data[tcp + 13];
    if (client === null) {
      if ((flags & 0x12) !== 0x02) throw new Error(`${path}: first frame is not a SYN`);
      client = src;
    }
    packets.push({
      data,
      relNs: (sec - startSec) * 1e9 + (nsec - startNsec),
      dir: src === client ? 0 : 1,
      ip,
      tcp,
      ackFlag: (flags & 0x10) !== 0,
    });
  }
  if (off !== f.length) throw new Error(`${path}: ${f.length - off} trailing bytes`);
  return { name, startSec, startNsec, packets, bytes };
}
