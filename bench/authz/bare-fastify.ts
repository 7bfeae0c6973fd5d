/**
 * Child process: the HTTP ceiling. A bare Fastify route that parses a check request's JSON body
 * and answers `{ allowed: true }` — what any Fastify route costs before doing any work. Like
 * Portcullis' check route, it answers once the event-loop turn's I/O callbacks have run
 * (`inTurnBatch`), so that a ceiling is never slower than what it bounds.
 *
 *   node bench/authz/bare-fastify.ts <port>
 */
import Fastify from 'fastify';
import { inTurnBatch } from '../../packages/store/src/turn-batch.ts';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
app.post('/fga/stores/:store_id/check', async (request) => {
  const body = request.body as { tuple_key?: { object?: string } };
  return inTurnBatch(async () => ({ allowed: typeof body?.tuple_key?.object === 'string', resolution: '' }));
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
