/**
 * The ceilings Portcullis is measured against: bare Fastify routes that parse the token
 * request's form body as Portcullis does, then either return a fixed JSON body (`fixed`:
 * the framework's ceiling) or sign a fresh ES256 JWT of the same shape as Portcullis'
 * access tokens (`sign`: the ceiling of JWT issuance, since signing dominates it), signed the
 * fastest way Portcullis knows: node:crypto on a bare key, the signatures of one event-loop
 * turn made together (`signJwtBatched`).
 *
 * Usage: node bench/servers/fastify-ceiling.ts fixed|sign
 */
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import Fastify from 'fastify';
import { signJwtBatched } from '../../packages/oauth/src/jwt.ts';
import { derToJose } from '../../packages/oauth/src/keys/ecdsa-signature.ts';
import type { SigningKey } from '../../packages/oauth/src/keys/key-ring.ts';
import { parseFormBody } from '../../packages/server/src/http/form-body.ts';
import { issuingClient, tokenTtl } from '../lib/fixtures.ts';
import { announce, host } from './child.ts';

const mode = process.argv[2];
if (mode !== 'fixed' && mode !== 'sign') {
  process.stderr.write('usage: fastify-ceiling.ts fixed|sign\n');
  process.exit(2);
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' });
const kid = createHash('sha256')
  .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  .digest('base64url');
// The fastest node:crypto form (bare key, DER converted to r‖s), as Portcullis signs: a ceiling must not be slower than what it bounds.
const key: SigningKey = { kid, alg: 'ES256', sign: (data) => derToJose(sign('sha256', data, privateKey), 32) };

function signedAccessToken(issuer: string, audience: string, scope: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer,
    sub: issuingClient.id,
    aud: audience,
    exp: now + tokenTtl,
    iat: now,
    jti: randomUUID(),
    client_id: issuingClient.id,
    scope,
  };
  return signJwtBatched(key, 'at+jwt', claims);
}

const app = Fastify({ logger: false });
// The same parser as Portcullis' (packages/server/src/http/form-body.ts).
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, parseFormBody(body as string));
});

let issuer = '';
let fixedBody = '';
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

app.post('/token', async (request, reply) => {
  const form = request.body as Record<string, string | undefined>;
  reply.headers(noStore);
  if (mode === 'fixed') return reply.type('application/json; charset=utf-8').send(fixedBody);
  const scope = form.scope ?? '';
  return { access_token: await signedAccessToken(issuer, form.resource ?? '', scope), token_type: 'Bearer', expires_in: tokenTtl, scope };
});

// Discovery, so the load generator finds the endpoint the same way for every target.
app.get('/.well-known/openid-configuration', async () => ({ issuer, token_endpoint: `${issuer}/token` }));

const url = await app.listen({ host, port: 0 });
issuer = url;
// A response the size of a real one, built once.
fixedBody = JSON.stringify({
  access_token: await signedAccessToken(issuer, 'https://api.example.com', 'orders:read orders:write'),
  token_type: 'Bearer',
  expires_in: tokenTtl,
  scope: 'orders:read orders:write',
});
announce({ url }, () => app.close());
