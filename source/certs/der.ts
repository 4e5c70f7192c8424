// The little DER (ASN.1 distinguished encoding) that issuing a certificate needs: writing the few types an
// X.509 certificate uses, and walking a certificate to pick out its parts. Loading an ASN.1 library for this
// costs more start-up time than all the signing does.

/** One encoded value: tag, length and contents. */
function tlv(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const der = {
  sequence: (...items: Buffer[]) => tlv(0x30, Buffer.concat(items)),
  set: (...items: Buffer[]) => tlv(0x31, Buffer.concat(items)),
  /** An explicitly tagged [n] value (constructed, context-specific). */
  explicit: (n: number, value: Buffer) => tlv(0xa0 | n, value),
  /** An implicitly tagged [n] primitive value (context-specific). */
  implicit: (n: number, contents: Buffer) => tlv(0x80 | n, contents),
  boolean: (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00])),
  /** A non-negative integer given as big-endian bytes. */
  unsignedInteger(bytes: Buffer): Buffer {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.subarray(start);
    return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
  },
  smallInteger(value: number): Buffer {
    const bytes: number[] = [];
    for (let rest = value; bytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) {
      bytes.unshift(rest % 256);
    }
    return der.unsignedInteger(Buffer.from(bytes));
  },
  null: () => Buffer.from([0x05, 0x00]),
  octetString: (contents: Buffer) => tlv(0x04, contents),
  /** A bit string of whole bytes. */
  bitString: (contents: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), contents])),
  /** A bit string of flags, bit 0 first (KeyUsage), without trailing zero bits as DER requires. */
  namedBits(bits: number[]): Buffer {
    const highest = Math.max(...bits);
    const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
    for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
    return tlv(0x03, Buffer.concat([Buffer.from([7 - (highest & 7)]), bytes]));
  },
  oid(dotted: string): Buffer {
    const [first, second, ...rest] = dotted.split('.').map(Number);
    const bytes: number[] = [];
    for (const arc of [first! * 40 + second!, ...rest]) {
      const base128: number[] = [arc & 0x7f];
      for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
        base128.unshift(0x80 | (value & 0x7f));
      }
      bytes.push(...base128);
    }
    return tlv(0x06, Buffer.from(bytes));
  },
  utf8String: (value: string) => tlv(0x0c, Buffer.from(value, 'utf8')),
  printableString: (value: string) => tlv(0x13, Buffer.from(value, 'latin1')),
  /** UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), to the second. */
  time(date: Date): Buffer {
    const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
    const digits = iso.slice(0, 19).replace(/\D/g, '') + 'Z';
    const year = date.getUTCFullYear();
    return year >= 1950 && year < 2050
      ? tlv(0x17, Buffer.from(digits.slice(2), 'latin1'))
      : tlv(0x18, Buffer.from(digits, 'latin1'));
  },
};

/** A value found in DER input: its tag, its whole encoding and its contents. */
export type DerElement = {tag: number; encoded: Buffer; contents: Buffer};

/** Reads the value that starts at offset. */
export function readElement(input: Buffer, offset = 0): DerElement {
  const tag = input[offset];
  let length = input[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + input[start + index]!;
    start += count;
  }
  const end = start + length;
  if (end > input.length) throw new Error('truncated DER');
  return {tag, encoded: input.subarray(offset, end), contents: input.subarray(start, end)};
}

/** The values inside a constructed value (a SEQUENCE, a SET, an explicit tag). */
export function children(element: DerElement): DerElement[] {
  const items: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length;) {
    const item = readElement(element.contents, offset);
    items.push(item);
    offset += item.encoded.length;
  }
  return items;
}
