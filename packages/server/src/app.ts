import { FgaService } from '@portcullis/authz';
import { fgaRoutes } from '@portcullis/authz/http/routes';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController, type onResponseHookHandler } from 'fastify';
import { adminRoutes } from './admin/admin-routes.ts';
import { deferredChildLogger } from './http/deferred-request-logger.ts';
import { sendError } from './http/error-mapping.ts';
import { fgaAuthorizer } from './http/fga-auth.ts';
import { parseFormBody } from './http/form-body.ts';
import { healthRoutes } from './http/health-routes.ts';
import { oauthRoutes } from './http/oauth-routes.ts';
import { peopleRoutes } from './http/people-routes.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { Runtime } from './runtime.ts';

export interface AppOptions {
  /** Pino logger options or an instance; false silences logs (tests). */
  logger?: FastifyServerOptions['logger'];
  metrics?: Metrics;
}

/** Logger settings that keep credentials out of the logs: no bodies, no query strings, no auth headers. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers.dpop'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, path: req.url.split('?')[0], ip: req.ip }),
    },
  };
}

const routeTables = new WeakMap<FastifyInstance, string[]>();

/** Every route the app registered, as `METHOD /path` (for documentation checks). */
export function registeredRoutes(app: FastifyInstance): string[] {
  return routeTables.get(app) ?? [];
}

/** The HTTP edge: one Fastify instance with every route of the server. */
export async function buildApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = runtime;
  const metrics = options.metrics ?? createMetrics();
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.log.level),
    logController: new LogController({ disableRequestLogging: !config.log.requests }),
    bodyLimit: config.limits.body_size,
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    childLoggerFactory: deferredChildLogger,
  });
  const table: string[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push(`${method} ${route.url}`);
    // Each route observes its own requests: the route pattern is known here, while reading it
    // from the request (request.routeOptions) builds an object on every call.
    const observe = metrics.routeObserver(route.url);
    const observeResponse: onResponseHookHandler = (request, reply, done) => {
      observe(request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    route.onResponse = route.onResponse ? [route.onResponse, observeResponse].flat() : observeResponse;
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(body as string));
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  const observeUnmatched = metrics.routeObserver('unmatched');
  app.setNotFoundHandler((request, reply) => {
    // Fastify keeps no start time for unmatched requests: time the answer from here.
    const started = performance.now();
    reply.raw.once('finish', () => observeUnmatched(request.method, 404, (performance.now() - started) / 1000));
    return reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' });
  });
  // Callback-style hooks: an async hook costs every request an extra promise.
  // While shutting down, responses close their connection so keep-alive sockets do not hold the exit.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  oauthRoutes(app, runtime, metrics);
  peopleRoutes(app, runtime);
  adminRoutes(app, runtime);
  healthRoutes(app, runtime, metrics);
  const { fga } = config;
  const ttlMs = fga.cache_ttl * 1000;
  const permissions = new FgaService(runtime.store, {
    cache: fga.check_cache_entries > 0 && { maxEntries: fga.check_cache_entries, ttlMs },
    readCache: fga.read_cache_tuples > 0 && { maxTuples: fga.read_cache_tuples, ttlMs },
    memoryTuples: fga.memory_tuples,
    onMemoryError: (storeId, error) =>
      app.log.error({ err: error, store_id: storeId }, 'permission store not held in memory: reading it from the database'),
  });
  metrics.permissionsInMemory(() => permissions.memoryStats());
  await app.register(fgaRoutes, { prefix: '/fga', service: permissions, authorize: fgaAuthorizer(runtime) });
  return app;
}
