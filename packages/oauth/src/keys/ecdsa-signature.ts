/**
 * ECDSA signatures between DER (what OpenSSL produces) and the fixed-size r‖s JWS uses
 * (RFC 7518 §3.4). Node can emit r‖s itself (`dsaEncoding: 'ieee-p1363'`), but passing the key
 * in an options object costs more than the signature on Node 24 (measured in bench/micro/es256.ts:
 * 74 µs against 31 µs for the bare key plus this conversion).
 */
export function derToJose(der: Buffer, size: number): Buffer {
  // SEQUENCE, length (short or long form), then two INTEGERs r and s.
  const lengthByte = der[1] as number;
  let offset = lengthByte & 0x80 ? 2 + (lengthByte & 0x7f) : 2;
  const out = Buffer.alloc(size * 2);
  for (let part = 0; part < 2; part++) {
    const length = der[offset + 1] as number;
    let value = der.subarray(offset + 2, offset + 2 + length);
    // DER integers carry a leading zero when the high bit is set; r‖s does not.
    if (value.length > size) value = value.subarray(value.length - size);
    value.copy(out, size * (part + 1) - value.length);
    offset += 2 + length;
  }
  return out;
}
