import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Metrics } from '../metrics.ts';
import type { Runtime } from '../runtime.ts';

/** Liveness, readiness (database reachable, a key to sign with) and Prometheus metrics. */
export function healthRoutes(app: FastifyInstance, runtime: Runtime, metrics: Metrics): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const checks: Record<string, 'ok' | 'failing'> = { database: 'ok', signing_key: 'ok' };
    try {
      await sql`select 1`.execute(runtime.store.db);
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: database unreachable');
      checks.database = 'failing';
    }
    if (!runtime.context.keys.signingKeyOrUndefined()) checks.signing_key = 'failing';
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
