/**
 * ES256 with node:crypto, the ways one can call it: the options form with
 * `dsaEncoding: 'ieee-p1363'` (what JWS needs) against the bare KeyObject (DER signature)
 * plus a DER ⇄ raw r||s conversion in JavaScript. Tight loops, interleaved, best of 5.
 *
 *   node bench/micro/es256.ts
 */
import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { derToJose } from '../../packages/oauth/src/keys/ecdsa-signature.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
// About the size of a JWS signing input of an access token.
const data = Buffer.from('e'.repeat(330));

/** The conversion Portcullis signs with. */
export const derToRaw = (der: Buffer): Buffer => derToJose(der, 32);

/** JWS raw r||s → DER ECDSA-Sig-Value. */
export function rawToDer(raw: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0 && !((bytes[start + 1] as number) & 0x80)) start++;
    const trimmed = bytes.subarray(start);
    return (trimmed[0] as number) & 0x80
      ? Buffer.concat([Buffer.of(0x02, trimmed.length + 1, 0), trimmed])
      : Buffer.concat([Buffer.of(0x02, trimmed.length), trimmed]);
  };
  const half = raw.length / 2;
  const body = Buffer.concat([integer(raw.subarray(0, half)), integer(raw.subarray(half))]);
  return Buffer.concat([Buffer.of(0x30, body.length), body]);
}

const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
const der = sign('sha256', data, privateKey);
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`self-check failed: ${what}`);
};
check(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, derToRaw(der)), 'derToRaw');
check(verify('sha256', data, publicKey, rawToDer(raw)), 'rawToDer');

const cases: Record<string, (key: KeyObject) => unknown> = {
  'sign  { key, dsaEncoding: ieee-p1363 }': () => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  'sign  KeyObject (DER) + derToRaw': () => derToRaw(sign('sha256', data, privateKey)),
  'verify { key, dsaEncoding: ieee-p1363 }': () => verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw),
  'verify KeyObject (DER) + rawToDer': () => verify('sha256', data, publicKey, rawToDer(raw)),
};

const iterations = 5000;
const best = new Map<string, number>();
for (let rep = 0; rep < 5; rep++) {
  for (const [name, fn] of Object.entries(cases)) {
    for (let i = 0; i < 500; i++) fn(privateKey);
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn(privateKey);
    const cpu = process.cpuUsage(before);
    best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, (cpu.user + cpu.system) / iterations));
  }
}
process.stdout.write(`node ${process.version}, OpenSSL ${process.versions.openssl}: CPU µs per operation (best of 5)\n`);
for (const [name, us] of best) process.stdout.write(`${us.toFixed(1).padStart(7)}  ${name}\n`);
