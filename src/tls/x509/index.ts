/** The certificate layer: parsing, caching, distinguished names, chain and usage checks. */
export type {
  BasicConstraintsInfo,
  CertInfo,
  ChainProblem,
  ChainProblemCode,
  ChainVerification,
  DistinguishedName,
  DistinguishedNameError,
} from './types.js';
export { CertificateCache, DEFAULT_CERTIFICATE_CACHE_SIZE } from './cache.js';
export { parseCertificate, parseOwnedCertificate, sha256Hex } from './certificate.js';
export {
  UNPARSEABLE_NAME,
  distinguishedNameKey,
  dnEquals,
  escapeDnValue,
  formatName,
  parseDistinguishedName,
  prepareDnString,
  type DnInput,
} from './distinguished-name.js';
export { decodeExtensions, type DecodedExtensions } from './extensions.js';
export { MAX_PATH_LENGTH, verifyChain } from './chain.js';
export { isSignedBy, x509ErrorOf, x509Of } from './node-x509.js';
export { describeSubjectPublicKey } from './public-key.js';
export { MAX_PEM_BUNDLE_BYTES, PemBundleError, loadPemBundle, parsePemBundle } from './pem.js';
export { usageProblems, type CertificateRole } from './usage.js';
export { ATTRIBUTE_NAMES, EKU_NAMES, KEY_USAGE_BITS, SIGNATURE_ALGORITHM_NAMES } from './oids.js';
