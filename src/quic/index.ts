/** QUIC stage public API: TLS handshakes carried in QUIC CRYPTO frames (RFC 9000, 9001, 9369). */
export { QuicStage, DEFAULT_QUIC_LIMITS, type QuicLimits } from './quic-stage.js';
export { QuicConnection } from './quic-connection.js';
export { parseLongHeader, unprotect, decodePacketNumber, type PacketHeader, type LongHeader } from './packet.js';
export { parseFrames, type FrameSink } from './frames.js';
export { CryptoStream, MAX_CRYPTO_BUFFERED, MAX_CRYPTO_AHEAD } from './crypto-stream.js';
export { initialKeys, secretKeys, quicVersion, versionName, PacketKeys } from './protection.js';
