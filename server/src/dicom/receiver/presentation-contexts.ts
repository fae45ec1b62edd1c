/**
 * Which abstract syntaxes (SOP classes) and transfer syntaxes the receiver accepts. Instances are stored
 * as received, so every transfer syntax a scanner may send is fine as long as the bytes are kept.
 */

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

/** Every standard storage SOP class UID sits under this root. */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

/** Vendor storage classes scanners send alongside images (Siemens CSA non-image, Philips and GE private). */
const PRIVATE_STORAGE_ROOTS = ['1.3.12.2.1107.5.9.', '1.3.46.670589.', '1.2.840.113619.4.'];

/** Transfer syntaxes kept byte for byte. */
const STORAGE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE,
  '1.2.840.10008.1.2.1.99', // deflated explicit LE
  '1.2.840.10008.1.2.5', // RLE lossless
  '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', // JPEG baseline, extended, lossless, lossless SV1
  '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', // JPEG-LS lossless, near-lossless
  '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.92', '1.2.840.10008.1.2.4.93', // JPEG 2000 (Part 1 and 2)
  '1.2.840.10008.1.2.4.94', '1.2.840.10008.1.2.4.95', // JPIP
  '1.2.840.10008.1.2.4.100', '1.2.840.10008.1.2.4.101', '1.2.840.10008.1.2.4.102', '1.2.840.10008.1.2.4.103', // MPEG-2, MPEG-4
  '1.2.840.10008.1.2.4.104', '1.2.840.10008.1.2.4.105', '1.2.840.10008.1.2.4.106', '1.2.840.10008.1.2.4.107', '1.2.840.10008.1.2.4.108', // MPEG-4, HEVC
  '1.2.840.10008.1.2.4.110', '1.2.840.10008.1.2.4.111', '1.2.840.10008.1.2.4.112', // JPEG XL
  '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203', // HT JPEG 2000
  '1.2.840.10008.1.2.6.1', '1.2.840.10008.1.2.6.2', // RFC 2557 MIME, XML
]);

const VERIFICATION_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([EXPLICIT_LE, IMPLICIT_LE]);

export function isStorageSopClass(uid: string, knownStorageClasses: ReadonlySet<string>): boolean {
  return knownStorageClasses.has(uid) || uid.startsWith(STORAGE_ROOT) || PRIVATE_STORAGE_ROOTS.some((root) => uid.startsWith(root));
}

export type ContextDecision =
  | { readonly kind: 'accept'; readonly transferSyntax: string }
  | { readonly kind: 'abstract-syntax-not-supported' }
  | { readonly kind: 'transfer-syntaxes-not-supported' };

/**
 * Chooses the transfer syntax for one proposed presentation context, or says why it is refused. The sender's
 * order wins: it lists the syntax its files are in first, so compressed data stays compressed.
 */
export function decideContext(abstractSyntax: string, proposed: readonly string[], knownStorageClasses: ReadonlySet<string>): ContextDecision {
  const supported = abstractSyntax === VERIFICATION_SOP_CLASS ? VERIFICATION_TRANSFER_SYNTAXES
    : isStorageSopClass(abstractSyntax, knownStorageClasses) ? STORAGE_TRANSFER_SYNTAXES : undefined;
  if (!supported) return { kind: 'abstract-syntax-not-supported' };
  const chosen = proposed.map((uid) => uid.replace(/\0+$/, '').trim()).find((uid) => supported.has(uid));
  return chosen ? { kind: 'accept', transferSyntax: chosen } : { kind: 'transfer-syntaxes-not-supported' };
}
