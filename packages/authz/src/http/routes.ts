import type { Store } from '@portcullis/store';
import { inTurnBatch } from '@portcullis/store/turn-batch';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FgaError } from '../errors.ts';
import type { UserFilter } from '../list-users.ts';
import type { AuthorizationModel } from '../model/types.ts';
import { type Consistency, FgaService, type FgaServiceOptions } from '../service.ts';
import type { TupleKey } from '../tuple-key.ts';
import { sendError } from './errors.ts';
import { body, changeJson, contextualTuples, pageSize, storeJson, tupleJson, userJson } from './wire.ts';

export type FgaScope = 'fga:read' | 'fga:write';

/** The service to serve: one built by the caller, or a store and the options to build it with. */
export type FgaRoutesOptions = {
  /**
   * Throws (or rejects) to deny; an error with `statusCode` 401 or 403 becomes OpenFGA's
   * `unauthenticated` / `forbidden`. May answer synchronously (return nothing) when it needs no I/O.
   */
  authorize: (request: FastifyRequest, scope: FgaScope) => Promise<void> | undefined;
} & ({ service: FgaService } | (FgaServiceOptions & { store: Store }));

type Params = { store_id: string; id?: string; authorization_model_id?: string };

interface ReadBody {
  authorization_model_id?: string;
  consistency?: Consistency;
  consistency_token?: string;
  contextual_tuples?: { tuple_keys?: TupleKey[] };
  context?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    fgaScope?: FgaScope;
  }
}

/**
 * OpenFGA's HTTP API (stores, models, tuples, changes, check, batch-check, expand, list-objects,
 * streamed-list-objects, list-users, assertions) as a Fastify plugin, plus `explain`.
 *
 * @example
 * app.register(fgaRoutes, { prefix: '/fga', store, authorize: async (request, scope) => {} });
 */
export async function fgaRoutes(app: FastifyInstance, options: FgaRoutesOptions): Promise<void> {
  const service = 'service' in options ? options.service : new FgaService(options.store, options);

  // A callback hook, and a synchronous answer goes on at once: promises cost every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const scope = request.routeOptions.config.fgaScope;
    if (!scope) return done();
    let pending: Promise<void> | undefined;
    try {
      pending = options.authorize(request, scope);
    } catch (error) {
      return done(error as Error);
    }
    if (!pending) return done();
    pending.then(() => done(), done);
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ code: 'undefined_endpoint', message: 'Endpoint not enabled' }));

  const read = { config: { fgaScope: 'fga:read' as const } };
  const write = { config: { fgaScope: 'fga:write' as const } };
  const readOptions = (b: ReadBody) => ({
    authorization_model_id: b.authorization_model_id || undefined,
    consistency: b.consistency,
    consistency_token: b.consistency_token || undefined,
    contextual_tuples: contextualTuples(b),
    context: b.context ?? undefined,
  });

  app.post('/stores', write, async (request, reply) => {
    const record = await service.createStore(body<{ name: string }>(request.body).name);
    return reply.code(201).send(storeJson(record));
  });
  app.get('/stores', read, async (request) => {
    const q = request.query as { page_size?: string; continuation_token?: string; name?: string };
    const page = await service.listStores(pageSize(q.page_size), q.continuation_token, q.name);
    return { stores: page.items.map(storeJson), continuation_token: page.next ?? '' };
  });
  app.get<{ Params: Params }>('/stores/:store_id', read, async (request) => storeJson(await service.getStore(request.params.store_id)));
  app.delete<{ Params: Params }>('/stores/:store_id', write, async (request, reply) => {
    await service.deleteStore(request.params.store_id);
    return reply.code(204).send();
  });

  app.post<{ Params: Params }>('/stores/:store_id/authorization-models', write, async (request, reply) => {
    const id = await service.writeModel(request.params.store_id, body<AuthorizationModel>(request.body));
    return reply.code(201).send({ authorization_model_id: id });
  });
  app.get<{ Params: Params }>('/stores/:store_id/authorization-models', read, async (request) => {
    const q = request.query as { page_size?: string; continuation_token?: string };
    const page = await service.listModels(request.params.store_id, pageSize(q.page_size), q.continuation_token);
    return { authorization_models: page.items, continuation_token: page.next ?? '' };
  });
  app.get<{ Params: Params }>('/stores/:store_id/authorization-models/:id', read, async (request) => ({
    authorization_model: await service.readModel(request.params.store_id, request.params.id as string),
  }));

  app.post<{ Params: Params }>('/stores/:store_id/write', write, async (request, reply) => {
    const b = body<{
      authorization_model_id?: string;
      writes?: { tuple_keys?: TupleKey[]; on_duplicate?: 'error' | 'ignore' };
      deletes?: { tuple_keys?: TupleKey[]; on_missing?: 'error' | 'ignore' };
    }>(request.body);
    const token = await service.write(request.params.store_id, {
      authorization_model_id: b.authorization_model_id || undefined,
      writes: b.writes?.tuple_keys ?? [],
      deletes: b.deletes?.tuple_keys ?? [],
      on_duplicate: b.writes?.on_duplicate,
      on_missing: b.deletes?.on_missing,
    });
    // OpenFGA answers `{}`; the token is an addition that later reads may send back.
    return reply.header('openfga-consistency-token', token).send({ consistency_token: token });
  });
  app.post<{ Params: Params }>('/stores/:store_id/read', read, async (request) => {
    const b = body<{ tuple_key?: Partial<TupleKey>; page_size?: number; continuation_token?: string }>(request.body);
    const page = await service.read(request.params.store_id, b.tuple_key, pageSize(b.page_size), b.continuation_token);
    return { tuples: page.items.map(tupleJson), continuation_token: page.next ?? '' };
  });
  app.get<{ Params: Params }>('/stores/:store_id/changes', read, async (request) => {
    const q = request.query as { type?: string; page_size?: string; continuation_token?: string; start_time?: string };
    let startTime: number | undefined;
    if (q.start_time) {
      startTime = Date.parse(q.start_time);
      if (Number.isNaN(startTime)) throw new FgaError('invalid_start_time', 'Invalid start time');
    }
    const page = await service.readChanges(request.params.store_id, {
      type: q.type,
      pageSize: pageSize(q.page_size),
      continuationToken: q.continuation_token,
      startTime,
    });
    return { changes: page.items.map(changeJson), continuation_token: page.next ?? '' };
  });

  app.post<{ Params: Params }>('/stores/:store_id/check', read, async (request) => {
    const b = body<ReadBody & { tuple_key: TupleKey }>(request.body);
    // The checks that arrive in one turn are walked back to back (@portcullis/store/turn-batch).
    const { allowed } = await inTurnBatch(() => service.check(request.params.store_id, { ...readOptions(b), tuple_key: b.tuple_key }));
    return { allowed, resolution: '' };
  });
  app.post<{ Params: Params }>('/stores/:store_id/explain', read, async (request) => {
    const b = body<ReadBody & { tuple_key: TupleKey }>(request.body);
    return service.explain(request.params.store_id, { ...readOptions(b), tuple_key: b.tuple_key });
  });
  app.post<{ Params: Params }>('/stores/:store_id/batch-check', read, async (request) => {
    const b = body<ReadBody & { checks: Array<ReadBody & { tuple_key: TupleKey; correlation_id: string }> }>(request.body);
    const outcomes = await service.batchCheck(request.params.store_id, {
      ...readOptions(b),
      checks: (Array.isArray(b.checks) ? b.checks : []).map((c) => ({
        tuple_key: c.tuple_key,
        correlation_id: c.correlation_id,
        contextual_tuples: contextualTuples(c),
        context: c.context ?? undefined,
      })),
    });
    const result: Record<string, unknown> = {};
    for (const [id, outcome] of outcomes)
      result[id] =
        'error' in outcome
          ? { allowed: false, error: { input_error: outcome.error.code, message: outcome.error.message } }
          : { allowed: outcome.allowed };
    return { result };
  });
  app.post<{ Params: Params }>('/stores/:store_id/expand', read, async (request) => {
    const b = body<ReadBody & { tuple_key: { object: string; relation: string } }>(request.body);
    const root = await service.expand(request.params.store_id, { ...readOptions(b), tuple_key: b.tuple_key });
    return { tree: { root } };
  });

  type ListObjectsBody = ReadBody & { type: string; relation: string; user: string; continuation_token?: string };
  app.post<{ Params: Params }>('/stores/:store_id/list-objects', read, async (request) => {
    const b = body<ListObjectsBody>(request.body);
    const page = await service.listObjects(request.params.store_id, {
      ...readOptions(b),
      type: b.type,
      relation: b.relation,
      user: b.user,
      continuation_token: b.continuation_token,
    });
    // OpenFGA has no paging here; a cut page says so with a token instead of truncating silently.
    return page.continuation_token ? { objects: page.objects, continuation_token: page.continuation_token } : { objects: page.objects };
  });
  app.post<{ Params: Params }>('/stores/:store_id/streamed-list-objects', read, async (request, reply) =>
    streamListObjects(service, request, reply, body<ListObjectsBody>(request.body), readOptions),
  );

  app.post<{ Params: Params }>('/stores/:store_id/list-users', read, async (request) => {
    const b = body<ReadBody & { object: { type: string; id: string }; relation: string; user_filters: UserFilter[] }>(request.body);
    const result = await service.listUsers(request.params.store_id, {
      ...readOptions(b),
      object: b.object,
      relation: b.relation,
      user_filters: Array.isArray(b.user_filters) ? b.user_filters.map((f) => ({ type: f?.type, relation: f?.relation || undefined })) : [],
    });
    // Beyond the result limit the answer says it is partial instead of truncating silently.
    return result.complete ? { users: result.users.map(userJson) } : { users: result.users.map(userJson), complete: false };
  });

  app.get<{ Params: Params }>('/stores/:store_id/assertions/:authorization_model_id', read, async (request) => ({
    authorization_model_id: request.params.authorization_model_id,
    assertions: await service.readAssertions(request.params.store_id, request.params.authorization_model_id as string),
  }));
  app.put<{ Params: Params }>('/stores/:store_id/assertions/:authorization_model_id', write, async (request, reply) => {
    const b = body<{ assertions: Array<{ tuple_key: TupleKey; expectation: boolean }> }>(request.body);
    await service.writeAssertions(request.params.store_id, request.params.authorization_model_id as string, b.assertions ?? []);
    return reply.code(204).send();
  });
}

/**
 * NDJSON, one `{"result":{"object":…}}` line per object as it is found, to the end (never cut).
 * An error before the first object gets the ordinary error response; after it, an `{"error":…}`
 * line ends the stream.
 */
async function streamListObjects(
  service: FgaService,
  request: FastifyRequest<{ Params: Params }>,
  reply: FastifyReply,
  b: ReadBody & { type: string; relation: string; user: string },
  readOptions: (b: ReadBody) => object,
): Promise<FastifyReply> {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson' });
  };
  const line = (value: unknown) => reply.raw.write(`${JSON.stringify(value)}\n`);
  try {
    await service.streamListObjects(
      request.params.store_id,
      { ...readOptions(b), type: b.type, relation: b.relation, user: b.user },
      (object) => {
        start();
        line({ result: { object } });
      },
    );
  } catch (error) {
    if (!started) throw error;
    const code = error instanceof FgaError ? error.code : 'internal_error';
    const message = error instanceof FgaError ? error.message : 'Internal Server Error';
    if (!(error instanceof FgaError)) request.log.error({ err: error }, 'streamed list-objects failed');
    line({ error: { code, message } });
  }
  if (!started) return reply.type('application/x-ndjson').send('');
  reply.raw.end();
  return reply;
}
