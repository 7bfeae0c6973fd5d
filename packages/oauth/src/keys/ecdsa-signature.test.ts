import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { test } from 'node:test';
import { derToJose } from './ecdsa-signature.ts';

test('DER ECDSA signatures convert to the JWS r‖s form, short integers and leading zeros included', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Over a few hundred signatures r or s regularly has a high bit set (DER adds a zero) or is short.
  for (let i = 0; i < 400; i++) {
    const data = Buffer.from(`message ${i}`);
    const raw = derToJose(sign('sha256', data, privateKey), 32);
    assert.equal(raw.length, 64);
    assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw), `signature ${i}`);
  }
});
