/** TLS name registries: IANA tables and the facts derived from them. */
export * from './grease.js';
export * from './cipher-suites.js';
export { CLASSIC_CIPHER_SUITES } from './cipher-suite-names-classic.js';
export { ECC_CIPHER_SUITES } from './cipher-suite-names-ecc.js';
export * from './extensions.js';
export * from './named-groups.js';
export * from './signature-schemes.js';
export * from './handshake-types.js';
export * from './content-types.js';
export * from './versions.js';
export * from './alerts.js';
export * from './misc-codes.js';
