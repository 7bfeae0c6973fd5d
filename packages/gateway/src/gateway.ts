import replyFrom from '@fastify/reply-from';
import { type Clock, type Fetch, systemClock, type VerifiedAccessToken } from '@portcullis/sdk';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { BodyTooLargeError, limitBody } from './body-limit.ts';
import type { GatewaySettings } from './config/settings.ts';
import { enforceRoute } from './enforce.ts';
import { send, upstreamFailure, upstreamRequestHeaders } from './forward.ts';
import { GatewayMetrics } from './metrics.ts';
import type { RateLimiter } from './rate-limit/limiter.ts';
import { LocalRateLimiter } from './rate-limit/local-limiter.ts';
import { RedisRateLimiter } from './rate-limit/redis-limiter.ts';
import type { CompiledRoute } from './routes/compiled-route.ts';
import { routablePath } from './routes/request-path.ts';
import { buildState, type GatewayState } from './state.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The gateway route this request matched, for the latency metric. */
    portcullisRoute: CompiledRoute | null;
  }
}

export interface GatewayOptions {
  clock?: Clock;
  fetch?: Fetch;
  logger?: FastifyServerOptions['logger'];
}

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
  metrics: GatewayMetrics;
  /** The state requests currently read. */
  readonly state: GatewayState;
  /** Swaps in new settings without touching open connections; throws, keeping the old ones, when they are invalid. */
  reload(settings: GatewaySettings): void;
  close(): Promise<void>;
}

const proxiedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/**
 * Starts the gateway: a Fastify server whose one catch-all route matches the route table,
 * enforces the route's token rules, rate-limits, and forwards through undici keep-alive pools
 * (`@fastify/reply-from`), with the phantom-token swap for introspected tokens.
 */
export async function startGateway(settings: GatewaySettings, options: GatewayOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock;
  const metrics = new GatewayMetrics();
  const deps = { metrics, clock, ...(options.fetch ? { fetch: options.fetch } : {}) };
  let state = buildState(settings, deps);
  const limiter: RateLimiter = settings.redis ? new RedisRateLimiter(settings.redis, clock) : new LocalRateLimiter(clock);
  const limiterReady = limiter.ready();
  const app = Fastify({
    logger: options.logger ?? { level: settings.log.level },
    logController: new LogController({ disableRequestLogging: !settings.log.requests }),
    bodyLimit: settings.limits.body_size,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  await app.register(replyFrom, {
    disableRequestLogging: true,
    undici: {
      connections: settings.upstream.connections,
      pipelining: settings.upstream.pipelining,
      keepAliveTimeout: settings.upstream.keep_alive_timeout * 1000,
      headersTimeout: settings.upstream.timeout * 1000,
      bodyTimeout: settings.upstream.timeout * 1000,
    },
  });
  app.decorateRequest('portcullisRoute', null);
  // Bodies are streamed to the upstream, never parsed here; the size limit still applies.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const limit = state.settings.limits.body_size;
    if (Number(request.headers['content-length'] ?? 0) > limit) done(new BodyTooLargeError(limit), undefined);
    else done(null, limitBody(payload, limit));
  });
  // A callback hook, not an async one: no promise per request on the hot path.
  app.addHook('onResponse', (request, reply, done) => {
    request.portcullisRoute?.metrics.latency(reply.elapsedTime / 1000);
    done();
  });
  if (settings.metrics.enabled) {
    app.get(settings.metrics.path, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }

  const unrouted = metrics.route('(none)');

  async function proxy(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const current = state;
    const origin = request.headers.origin;
    const cors = current.cors?.responseHeaders(origin);
    if (current.cors && origin && request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      const method = String(request.headers['access-control-request-method']);
      return reply
        .code(204)
        .headers(current.cors.preflight(origin, method, request.headers['access-control-request-headers']))
        .send();
    }
    const path = routablePath(request.url);
    if (path === undefined) {
      unrouted.decision('bad_path');
      return send(reply, 400, { error: 'invalid_request', error_description: 'the request path is not allowed' }, undefined, cors);
    }
    const match = current.table.match(request.method, path);
    if (!match) {
      unrouted.decision('no_route');
      return send(reply, 404, { error: 'not_found', error_description: 'no route matches this request' }, undefined, cors);
    }
    const { route } = match;
    request.portcullisRoute = route;
    let token: VerifiedAccessToken | undefined;
    if (route.requirement) {
      const decision = await enforceRoute(route, request.headers.authorization, current.verifier);
      if (!decision.ok) {
        route.metrics.decision(decision.reason);
        if (decision.reason === 'temporarily_unavailable')
          request.log.warn({ route: route.name, reason: decision.response.body.error_description }, 'issuer unavailable: refusing');
        return send(reply, decision.response.status, decision.response.body, decision.response.headers, cors);
      }
      token = decision.token;
    }
    if (route.rateLimit) {
      const who = token ? `client:${String(token.claims.client_id ?? token.claims.sub)}` : `ip:${request.ip}`;
      const limit = route.rateLimit;
      const result = await limiter.hit(`${route.name}|${who}`, limit.requests, limit.window).catch((error: unknown) => {
        // Rate limiting protects capacity, it does not authorize: an outage of Redis lets traffic through.
        metrics.rateLimitErrors.inc();
        request.log.warn({ err: error }, 'rate limiter unavailable');
        return undefined;
      });
      if (result && !result.allowed) {
        route.metrics.decision('rate_limited');
        return send(
          reply,
          429,
          { error: 'rate_limited', error_description: 'too many requests' },
          { 'retry-after': String(result.retryAfter) },
          cors,
        );
      }
    }
    route.metrics.decision(token ? 'token' : 'public');
    return reply.from(`${route.upstreamOrigin}${route.upstreamBase}${path}`, {
      rewriteRequestHeaders: (_request, headers) =>
        upstreamRequestHeaders(headers, {
          injected: current.injectedHeaders,
          route,
          token,
          ip: request.ip,
          protocol: request.protocol,
          host: request.headers.host,
        }),
      rewriteHeaders: cors ? (headers) => ({ ...headers, ...cors }) : undefined,
      onError: (failedReply, { error }) => {
        const failure = upstreamFailure(error as Error & { statusCode?: number });
        route.metrics.upstreamError(failure.kind);
        request.log.warn({ route: route.name, kind: failure.kind, err: error }, 'upstream request failed');
        send(failedReply as FastifyReply, failure.status, failure.body, undefined, cors);
      },
    });
  }

  app.route({ method: proxiedMethods, url: '/*', handler: proxy });
  app.route({ method: proxiedMethods, url: '/', handler: proxy });
  await limiterReady.catch((error: unknown) =>
    app.log.warn({ err: error }, 'rate limiter not reachable yet: requests pass unlimited until it is'),
  );
  const url = await app.listen({ host: settings.host, port: settings.port });

  return {
    app,
    url,
    metrics,
    get state() {
      return state;
    },
    reload(next) {
      if (next.port !== state.settings.port || next.host !== state.settings.host)
        app.log.warn('gateway.host and gateway.port changes need a restart');
      state = buildState(next, deps, state);
    },
    async close() {
      await app.close();
      await limiter.close();
    },
  };
}
