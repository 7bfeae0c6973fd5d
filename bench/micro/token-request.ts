/**
 * CPU time of one token / introspection request through Portcullis' whole Fastify app
 * (routing, hooks, logger, handler, serialisation) but without sockets, measured with
 * `app.inject` in one process: a quick, low-noise way to see what a change to the request
 * path costs before running the full benchmark (`npm run bench`), which remains the measure.
 * A bare Fastify app with the same form parser and a fixed body is run the same way as the
 * reference.
 *
 *   node bench/micro/token-request.ts [--requests 20000] [--only jwt,opaque,introspect,bare]
 */
import { parseArgs } from 'node:util';
import { startServer } from '@portcullis/server';
import { parseFormBody } from '@portcullis/server/http/form-body';
import { freePort } from '@portcullis/server/test-support';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import {
  basicAuthorization,
  formContentType,
  introspectingClient,
  introspectionRequestBody,
  issuingClient,
  jwtApi,
  opaqueApi,
  tokenRequestBody,
  tokenTtl,
} from '../lib/fixtures.ts';
import { benchPortcullisConfig } from '../lib/portcullis-config.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, only: { type: 'string', default: 'bare,jwt,opaque,introspect' } },
});
const requests = Number(values.requests);
const only = new Set(values.only.split(','));

async function measure(label: string, app: FastifyInstance, request: InjectOptions): Promise<void> {
  const check = await app.inject(request);
  if (check.statusCode !== 200) throw new Error(`${label}: ${check.statusCode} ${check.body}`);
  for (let i = 0; i < requests / 4; i++) await app.inject(request);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    // Ten in flight, like the benchmark's connections, so grouped writes group.
    const batch = 10;
    for (let i = 0; i < requests; i += batch) {
      await Promise.all(Array.from({ length: batch }, () => app.inject(request)));
    }
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / requests);
  }
  console.log(`${label.padEnd(12)} ${best.toFixed(1).padStart(7)} µs CPU per request (best of 3 × ${requests})`);
}

if (only.has('bare')) {
  const bare = Fastify({ logger: false });
  bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(body as string));
  });
  const fixed = JSON.stringify({ access_token: 'x'.repeat(400), token_type: 'Bearer', expires_in: tokenTtl, scope: 'orders:read' });
  bare.post('/token', async (_request, reply) => {
    reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
    return reply.type('application/json; charset=utf-8').send(fixed);
  });
  await measure('bare', bare, {
    method: 'POST',
    url: '/token',
    headers: { authorization: basicAuthorization(issuingClient.id, issuingClient.secret), 'content-type': formContentType },
    payload: tokenRequestBody(jwtApi),
  });
  await bare.close();
}

const database = createSqliteDatabase();
const config = benchPortcullisConfig(await freePort(), database.url);

const server = await startServer(config);
const tokenRequest = (api: string): InjectOptions => ({
  method: 'POST',
  url: '/oauth2/token',
  headers: { authorization: basicAuthorization(issuingClient.id, issuingClient.secret), 'content-type': formContentType },
  payload: tokenRequestBody(api),
});
if (only.has('jwt')) await measure('jwt', server.app, tokenRequest(jwtApi));
if (only.has('opaque')) await measure('opaque', server.app, tokenRequest(opaqueApi));
if (only.has('introspect')) {
  const issued = await server.app.inject(tokenRequest(opaqueApi));
  const token = (issued.json() as { access_token: string }).access_token;
  await measure('introspect', server.app, {
    method: 'POST',
    url: '/oauth2/introspect',
    headers: { authorization: basicAuthorization(introspectingClient.id, introspectingClient.secret), 'content-type': formContentType },
    payload: introspectionRequestBody(token),
  });
}
await server.stop();
await database.drop();
