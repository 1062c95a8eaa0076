/**
 * @peculiar/asn1-x509's Certificate schema, extended so the parser also hands back the exact encoded
 * bytes of the issuer and subject Names (the library's `raw` property option). Parsed with
 * `copyInput: false`, those bytes are views into the caller's buffer, so the certificate cache can
 * expose them without copying and DN comparison can fall back to exact bytes.
 *
 * The schema options are applied by calling the library's decorator functions directly, because the
 * project does not enable TypeScript's legacy decorators.
 */
import { AsnProp } from '@peculiar/asn1-schema';
import { Certificate, Name, TBSCertificate } from '@peculiar/asn1-x509';

export class TbsCertificateWithRawNames extends TBSCertificate {
  /** Set by the parser (`raw: true`): the issuer Name's encoding, a view into the parsed buffer. */
  declare issuerRaw?: Uint8Array;
  declare subjectRaw?: Uint8Array;
}
AsnProp({ type: Name, raw: true })(TbsCertificateWithRawNames.prototype, 'issuer');
AsnProp({ type: Name, raw: true })(TbsCertificateWithRawNames.prototype, 'subject');

export class CertificateWithRawNames extends Certificate {
  declare tbsCertificate: TbsCertificateWithRawNames;
}
AsnProp({ type: TbsCertificateWithRawNames, raw: true })(CertificateWithRawNames.prototype, 'tbsCertificate');
