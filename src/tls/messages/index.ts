/** Pure decoders for TLS handshake message bodies (no I/O, no state, never throw). */
export * from './types.js';
export { ByteReader, toHex, toText } from './reader.js';
export { decodeExtensions, decodeExtension, findExtension, readDistinguishedNames, readU16List, readU8List } from './extensions.js';
export { extensionDetails, extensionsDetails, cipherSuiteNames, names, type Json } from './extension-details.js';
export { decodeClientHello, decodeSslv2ClientHello } from './client-hello.js';
export {
  decodeServerHello,
  decodeEncryptedExtensions,
  decodeHelloVerifyRequest,
  downgradeSentinel,
  isHelloRetryRequestRandom,
  HELLO_RETRY_REQUEST_RANDOM,
} from './server-hello.js';
export { decodeCertificate, decodeCertificateStatus, decodeCompressedCertificate } from './certificate.js';
export { decodeCertificateRequest } from './certificate-request.js';
export { decodeServerKeyExchange, decodeClientKeyExchange, bitLength } from './key-exchange.js';
export { decodeCertificateVerify, decodeFinished } from './verify.js';
export { decodeNewSessionTicket } from './session-ticket.js';
export { decodeEmptyMessage, decodeOpaqueMessage, decodeKeyUpdate } from './simple-messages.js';
export { decodeHandshake, decodeSslv2Handshake, type DecodedMessage, type HandshakeDecodeResult } from './handshake.js';
