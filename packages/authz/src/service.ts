import type { AuthorizationModelRecord, FgaStoreRecord, Store } from '@portcullis/store';
import { InvalidCursorError, TupleWriteConflict } from '@portcullis/store';
import { monotonicFactory } from 'ulid';
import type { Explanation } from './check/types.ts';
import { type AuthzEngine, type AuthzEngineOptions, type BatchCheckOutcome, createAuthzEngine, type ReadScope } from './engine.ts';
import { FgaError } from './errors.ts';
import type { UsersetTreeNode } from './expand.ts';
import type { ListObjectsPage } from './list-objects.ts';
import type { ListUsersResult, UserFilter } from './list-users.ts';
import type { AuthorizationModel } from './model/types.ts';
import { TypeSystem } from './model/typesystem.ts';
import { validateModel } from './model/validate.ts';
import { assertTupleFormat, parseObject, type TupleKey, tupleKeyString } from './tuple-key.ts';
import { type MirrorSource, TupleMirror, type TupleMirrorStats } from './tuple-mirror.ts';
import type { TupleReader } from './tuple-reader.ts';

/** OpenFGA's read consistency preference. */
export type Consistency = 'UNSPECIFIED' | 'MINIMIZE_LATENCY' | 'HIGHER_CONSISTENCY';

export interface ReadOptions {
  authorization_model_id?: string;
  consistency?: Consistency;
  /** A token from a write: the read sees at least that write. */
  consistency_token?: string;
}

export interface QueryInput extends ReadOptions {
  contextual_tuples?: TupleKey[];
  context?: Record<string, unknown>;
}

export interface FgaServiceOptions extends AuthzEngineOptions {
  /** Tuples per write request (OpenFGA's default is 100). */
  maxTuplesPerWrite?: number;
  /** Checks per batch-check request (OpenFGA's default is 50). */
  maxChecksPerBatch?: number;
  /**
   * How long a read may reuse the store's record (its revision, the cache key of answers) before
   * reading it again, in ms; 0 reads it every time. Writes through this service update it at once;
   * a write through another node is seen within this time, or at once by a read that sends its
   * consistency token or asks for HIGHER_CONSISTENCY.
   */
  storeCacheTtlMs?: number;
  /**
   * Tuples held in memory over every store (see `TupleMirror`); 0 or unset keeps every store in
   * the database alone. A store that would not fit is read from the database.
   */
  memoryTuples?: number;
  /** Told when a store's copy in memory fails to load or catch up (it is then read from the database). */
  onMemoryError?: (storeId: string, error: unknown) => void;
  now?: () => number;
}

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Consistency tokens name the store revision a write produced. */
export const encodeConsistencyToken = (revision: number): string => Buffer.from(`r${revision}`).toString('base64url');

function decodeConsistencyToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const revision = /^r(\d+)$/.exec(text)?.[1];
  if (revision === undefined) throw new FgaError('validation_error', 'invalid consistency_token');
  return Number(revision);
}

/** The store's tuples and changelog as the in-memory mirror reads them. */
function mirrorSource(store: Store): MirrorSource {
  const { tuples, changelog } = store.authz;
  return {
    changelogEnd: (storeId) => changelog.end(storeId),
    // The stored tuples as they come (the mirror keeps only their key and condition).
    scan: async (storeId, after, pageSize) => {
      const page = await tuples.read(storeId, {}, { pageSize, after });
      return { tuples: page.items, next: page.next };
    },
    changes: (storeId, after, limit) => changelog.after(storeId, after, limit),
  };
}

function toReader(store: Store, storeId: string): TupleReader {
  const tuples = store.authz.tuples;
  return {
    // Through the store's many-relation read: it answers synchronously where it can (SQLite).
    readByObject: (object, relation) => tuples.readByObjectRelations(storeId, object, [relation]),
    readByObjectRelations: (object, relations, wholeObject) => tuples.readByObjectRelations(storeId, object, relations, wholeObject),
    readByUsers: (users, objectType, relation) => store.authz.tuples.readByUsers(storeId, users, objectType, relation),
  };
}

/**
 * The permission service's use cases (OpenFGA's commands) over the storage roles and the
 * engine: ids, validation, model resolution, consistency. No HTTP here.
 */
export class FgaService {
  readonly #store: Store;
  readonly #engine: AuthzEngine;
  readonly #now: () => number;
  readonly #ulid = monotonicFactory();
  readonly #maxTuplesPerWrite: number;
  readonly #maxChecksPerBatch: number;
  readonly #storeCacheTtlMs: number;
  readonly #storeRecords = new Map<string, { record: FgaStoreRecord; expires: number }>();
  readonly #latestModels = new Map<string, { id: string; expires: number }>();
  // Models are immutable, so a parsed model is reused until evicted.
  readonly #typesystems = new Map<string, TypeSystem>();
  // One reader per store instead of new closures on every request.
  readonly #readers = new Map<string, TupleReader>();
  readonly #mirror: TupleMirror | undefined;

  constructor(store: Store, options: FgaServiceOptions = {}) {
    this.#store = store;
    this.#engine = createAuthzEngine(options);
    this.#now = options.now ?? Date.now;
    this.#maxTuplesPerWrite = options.maxTuplesPerWrite ?? 100;
    this.#maxChecksPerBatch = options.maxChecksPerBatch ?? 50;
    this.#storeCacheTtlMs = options.storeCacheTtlMs ?? 1000;
    if (options.memoryTuples)
      this.#mirror = new TupleMirror(mirrorSource(store), {
        maxTuples: options.memoryTuples,
        now: this.#now,
        onError: options.onMemoryError,
      });
  }

  /** Stores and tuples held in memory (for metrics); undefined when the mirror is off. */
  memoryStats(): TupleMirrorStats | undefined {
    return this.#mirror?.stats();
  }

  async createStore(name: string) {
    if (typeof name !== 'string' || name.length < 3 || name.length > 64)
      throw new FgaError('validation_error', 'invalid CreateStoreRequest.Name: value length must be between 3 and 64 runes');
    return this.#store.authz.stores.create({ id: this.#ulid(this.#now()), name, created_at: this.#now() });
  }

  async getStore(storeId: string) {
    if (!ulidPattern.test(storeId)) throw new FgaError('validation_error', `invalid store_id '${storeId}'`);
    const record = await this.#store.authz.stores.get(storeId);
    if (!record) {
      // Deleted, perhaps by another node: its copy in memory goes too.
      this.#mirror?.drop(storeId);
      throw new FgaError('store_id_not_found', 'No store found for the given id');
    }
    return record;
  }

  listStores(pageSize: number, continuationToken?: string, name?: string) {
    return this.#store.authz.stores.list({ pageSize, after: continuationToken || undefined, name });
  }

  async deleteStore(storeId: string) {
    await this.getStore(storeId);
    this.#storeRecords.delete(storeId);
    this.#latestModels.delete(storeId);
    this.#mirror?.drop(storeId);
    await this.#store.authz.stores.delete(storeId, this.#now());
  }

  async writeModel(storeId: string, input: AuthorizationModel): Promise<string> {
    await this.getStore(storeId);
    const model: AuthorizationModel = {
      schema_version: input?.schema_version,
      type_definitions: input?.type_definitions,
      conditions: input?.conditions ?? {},
    };
    validateModel(model);
    const id = this.#ulid(this.#now());
    await this.#store.authz.models.insert({
      id,
      store_id: storeId,
      schema_version: model.schema_version,
      type_definitions: model.type_definitions,
      conditions: model.conditions ?? {},
      created_at: this.#now(),
    });
    this.#latestModels.delete(storeId);
    return id;
  }

  async readModel(storeId: string, modelId: string): Promise<AuthorizationModel> {
    return (await this.#typesystem(storeId, modelId)).model;
  }

  async listModels(storeId: string, pageSize: number, continuationToken?: string) {
    await this.getStore(storeId);
    const page = await this.#store.authz.models.list(storeId, { pageSize, after: continuationToken || undefined });
    return { items: page.items.map(toModel), next: page.next };
  }

  /** Deletes then writes, atomically; returns the consistency token of the result. */
  async write(
    storeId: string,
    input: {
      authorization_model_id?: string;
      writes?: TupleKey[];
      deletes?: TupleKey[];
      on_duplicate?: 'error' | 'ignore';
      on_missing?: 'error' | 'ignore';
    },
  ): Promise<string> {
    const writes = input.writes ?? [];
    const deletes = input.deletes ?? [];
    if (writes.length + deletes.length === 0)
      throw new FgaError('invalid_write_input', 'Invalid input. Make sure you provide at least one write or delete');
    if (writes.length + deletes.length > this.#maxTuplesPerWrite)
      throw new FgaError('exceeded_entity_limit', `The number of write operations exceeds the allowed limit of ${this.#maxTuplesPerWrite}`);
    const typesystem = await this.#typesystem(storeId, input.authorization_model_id);
    const seen = new Set<string>();
    for (const tuple of [...writes, ...deletes]) {
      const key = tupleKeyString(tuple);
      if (seen.has(key)) throw new FgaError('cannot_allow_duplicate_tuples_in_one_request', `duplicate tuple in write: ${key}`);
      seen.add(key);
    }
    for (const tuple of writes) {
      assertTupleFormat(tuple, 'validation_error');
      typesystem.assertValidTuple(tuple, 'validation_error');
    }
    for (const tuple of deletes) assertTupleFormat(tuple, 'validation_error');
    try {
      const { revision } = await this.#store.authz.tuples.write(storeId, {
        writes,
        deletes: deletes.map(({ object, relation, user }) => ({ object, relation, user })),
        onDuplicate: input.on_duplicate === 'ignore' ? 'ignore' : 'error',
        onMissing: input.on_missing === 'ignore' ? 'ignore' : 'error',
        at: this.#now(),
      });
      const cached = this.#storeRecords.get(storeId);
      if (cached && cached.record.revision < revision) cached.record = { ...cached.record, revision };
      return encodeConsistencyToken(revision);
    } catch (error) {
      if (error instanceof TupleWriteConflict)
        throw new FgaError('write_failed_due_to_invalid_input', `${error.message}: invalid write input`);
      throw error;
    }
  }

  async read(storeId: string, filter: Partial<TupleKey> | undefined, pageSize: number, continuationToken?: string) {
    await this.getStore(storeId);
    if (filter?.object && !filter.object.includes(':'))
      throw new FgaError('validation_error', `invalid 'object' field format: '${filter.object}'`);
    if (filter?.user && !filter.object) throw new FgaError('validation_error', 'the object field must be set when the user field is set');
    const page = await this.#cursor(() =>
      this.#store.authz.tuples.read(storeId, filter ?? {}, { pageSize, after: continuationToken || undefined }),
    );
    return page;
  }

  async readChanges(storeId: string, options: { type?: string; pageSize: number; continuationToken?: string; startTime?: number }) {
    await this.getStore(storeId);
    return this.#cursor(() =>
      this.#store.authz.changelog.read(storeId, {
        pageSize: options.pageSize,
        after: options.continuationToken || undefined,
        objectType: options.type || undefined,
        startTime: options.startTime,
      }),
    );
  }

  async check(storeId: string, input: QueryInput & { tuple_key: TupleKey }): Promise<{ allowed: boolean }> {
    const pending = this.#scope(storeId, input);
    const scope = pending instanceof Promise ? await pending : pending;
    return this.#engine.check({ ...scope, tuple: requireTuple(input.tuple_key), ...query(input) });
  }

  async explain(
    storeId: string,
    input: QueryInput & { tuple_key: TupleKey },
  ): Promise<{ allowed: boolean; explanation: Explanation | undefined }> {
    const scope = await this.#scope(storeId, input);
    return this.#engine.explain({ ...scope, tuple: requireTuple(input.tuple_key), ...query(input) });
  }

  async batchCheck(
    storeId: string,
    input: ReadOptions & { checks: Array<QueryInput & { tuple_key: TupleKey; correlation_id: string }> },
  ): Promise<Map<string, BatchCheckOutcome>> {
    const checks = input.checks ?? [];
    if (!Array.isArray(checks) || checks.length === 0)
      throw new FgaError('validation_error', 'invalid BatchCheckRequest.Checks: value must contain at least 1 item');
    if (checks.length > this.#maxChecksPerBatch)
      throw new FgaError('validation_error', `batch check accepts at most ${this.#maxChecksPerBatch} checks`);
    const ids = new Set<string>();
    for (const check of checks) {
      if (!check.correlation_id) throw new FgaError('validation_error', 'every check needs a correlation_id');
      if (ids.has(check.correlation_id)) throw new FgaError('validation_error', `duplicate correlation_id '${check.correlation_id}'`);
      ids.add(check.correlation_id);
    }
    const scope = await this.#scope(storeId, input);
    return this.#engine.batchCheck(
      scope,
      checks.map((c) => ({ correlation_id: c.correlation_id, tuple: requireTuple(c.tuple_key), ...query(c) })),
    );
  }

  async expand(storeId: string, input: QueryInput & { tuple_key: { object: string; relation: string } }): Promise<UsersetTreeNode> {
    const scope = await this.#scope(storeId, input);
    if (!input.tuple_key?.object || !input.tuple_key.relation)
      throw new FgaError('validation_error', 'tuple_key with object and relation is required');
    return this.#engine.expand({
      ...scope,
      object: input.tuple_key.object,
      relation: input.tuple_key.relation,
      contextualTuples: input.contextual_tuples,
    });
  }

  async listObjects(
    storeId: string,
    input: QueryInput & { type: string; relation: string; user: string; continuation_token?: string; page_size?: number },
  ): Promise<ListObjectsPage> {
    const scope = await this.#listObjectsScope(storeId, input);
    return this.#engine.listObjects({
      ...scope,
      type: input.type,
      relation: input.relation,
      user: input.user,
      ...query(input),
      continuationToken: input.continuation_token || undefined,
      maxResults: input.page_size || undefined,
    });
  }

  /** Every object, each passed to `onObject` as soon as it is known; resolves when all are out. */
  async streamListObjects(
    storeId: string,
    input: QueryInput & { type: string; relation: string; user: string },
    onObject: (object: string) => void,
  ): Promise<void> {
    const scope = await this.#listObjectsScope(storeId, input);
    await this.#engine.streamObjects({ ...scope, type: input.type, relation: input.relation, user: input.user, ...query(input) }, onObject);
  }

  async listUsers(
    storeId: string,
    input: QueryInput & { object: { type: string; id: string }; relation: string; user_filters: UserFilter[] },
  ): Promise<ListUsersResult> {
    const scope = await this.#scope(storeId, input);
    const object = input.object;
    if (!object?.type || !object.id || !parseObject(`${object.type}:${object.id}`))
      throw new FgaError('validation_error', 'invalid object');
    if (!input.relation) throw new FgaError('validation_error', 'relation is required');
    return this.#engine.listUsers({
      ...scope,
      object,
      relation: input.relation,
      filters: input.user_filters ?? [],
      ...query(input),
    });
  }

  async readAssertions(storeId: string, modelId: string): Promise<unknown[]> {
    await this.#typesystem(storeId, modelId);
    return (await this.#store.authz.assertions.get(storeId, modelId)) ?? [];
  }

  async writeAssertions(storeId: string, modelId: string, assertions: Array<{ tuple_key: TupleKey; expectation: boolean }>) {
    const typesystem = await this.#typesystem(storeId, modelId);
    if (!Array.isArray(assertions)) throw new FgaError('validation_error', 'assertions must be a list');
    if (assertions.length > 100) throw new FgaError('assertions_too_many_items', 'at most 100 assertions');
    for (const assertion of assertions) {
      assertTupleFormat(requireTuple(assertion.tuple_key), 'validation_error');
      typesystem.assertValidTuple(
        { object: assertion.tuple_key.object, relation: assertion.tuple_key.relation, user: assertion.tuple_key.user },
        'validation_error',
      );
    }
    await this.#store.authz.assertions.put(storeId, modelId, assertions);
  }

  async #listObjectsScope(storeId: string, input: QueryInput & { type: string; relation: string; user: string }): Promise<ReadScope> {
    const scope = await this.#scope(storeId, input);
    for (const field of ['type', 'relation', 'user'] as const)
      if (typeof input[field] !== 'string' || !input[field]) throw new FgaError('validation_error', `${field} is required`);
    return scope;
  }

  async #cursor<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new FgaError('invalid_continuation_token', 'Invalid continuation token');
      throw error;
    }
  }

  async #typesystem(storeId: string, modelId: string | undefined, storeChecked = false): Promise<TypeSystem> {
    if (!storeChecked) await this.getStore(storeId);
    if (modelId) {
      if (!ulidPattern.test(modelId)) throw new FgaError('validation_error', `invalid authorization_model_id '${modelId}'`);
      const key = `${storeId}/${modelId}`;
      const cached = this.#typesystems.get(key);
      if (cached) return cached;
      const record = await this.#store.authz.models.get(storeId, modelId);
      if (!record) throw new FgaError('authorization_model_not_found', `Authorization Model '${modelId}' not found`);
      return this.#remember(key, record);
    }
    // The latest model's id is reused like the store's record (a new model through this service replaces it at once).
    const latest = this.#latestModels.get(storeId);
    if (latest && latest.expires > this.#now()) {
      const cached = this.#typesystems.get(`${storeId}/${latest.id}`);
      if (cached) return cached;
    }
    const record = await this.#store.authz.models.latest(storeId);
    if (!record) throw new FgaError('latest_authorization_model_not_found', `No authorization models found for store '${storeId}'`);
    if (this.#storeCacheTtlMs > 0) {
      if (this.#latestModels.size >= 10_000) this.#latestModels.clear();
      this.#latestModels.set(storeId, { id: record.id, expires: this.#now() + this.#storeCacheTtlMs });
    }
    return this.#typesystems.get(`${storeId}/${record.id}`) ?? this.#remember(`${storeId}/${record.id}`, record);
  }

  #remember(key: string, record: AuthorizationModelRecord): TypeSystem {
    const typesystem = new TypeSystem(toModel(record));
    if (this.#typesystems.size >= 1000) this.#typesystems.delete(this.#typesystems.keys().next().value as string);
    this.#typesystems.set(key, typesystem);
    return typesystem;
  }

  /** The store's record, reused for `storeCacheTtlMs` unless the read needs a newer revision. */
  async #liveStore(storeId: string, fresh: boolean, minRevision: number): Promise<FgaStoreRecord> {
    const cached = this.#storeRecords.get(storeId);
    if (!fresh && cached && cached.expires > this.#now() && cached.record.revision >= minRevision) return cached.record;
    const record = await this.getStore(storeId);
    if (this.#storeCacheTtlMs > 0) {
      if (this.#storeRecords.size >= 10_000) this.#storeRecords.clear();
      this.#storeRecords.set(storeId, { record, expires: this.#now() + this.#storeCacheTtlMs });
    }
    return record;
  }

  /**
   * The store, model and reader a read resolves against. Answered synchronously when the store's
   * record and the model are cached (the common case): each await costs every check a little.
   */
  #scope(storeId: string, input: ReadOptions): ReadScope | Promise<ReadScope> {
    const minRevision = input.consistency_token ? decodeConsistencyToken(input.consistency_token) : 0;
    const fresh = input.consistency === 'HIGHER_CONSISTENCY';
    const cached = this.#storeRecords.get(storeId);
    if (!fresh && cached && cached.expires > this.#now() && cached.record.revision >= minRevision) {
      const typesystem = this.#cachedTypesystem(storeId, input.authorization_model_id);
      if (typesystem) return this.#scopeOf(storeId, cached.record, typesystem, input);
    }
    return this.#loadScope(storeId, input, fresh, minRevision);
  }

  async #loadScope(storeId: string, input: ReadOptions, fresh: boolean, minRevision: number): Promise<ReadScope> {
    const store = await this.#liveStore(storeId, fresh, minRevision);
    const typesystem = await this.#typesystem(storeId, input.authorization_model_id, true);
    if (minRevision > store.revision)
      throw new FgaError('validation_error', 'consistency_token is from a revision this store has not reached');
    return this.#scopeOf(storeId, store, typesystem, input);
  }

  /** The model named (or the store's latest) when it is cached, as `#typesystem` would answer it. */
  #cachedTypesystem(storeId: string, modelId: string | undefined): TypeSystem | undefined {
    if (modelId) {
      if (!ulidPattern.test(modelId)) throw new FgaError('validation_error', `invalid authorization_model_id '${modelId}'`);
      return this.#typesystems.get(`${storeId}/${modelId}`);
    }
    const latest = this.#latestModels.get(storeId);
    return latest && latest.expires > this.#now() ? this.#typesystems.get(`${storeId}/${latest.id}`) : undefined;
  }

  #scopeOf(storeId: string, store: FgaStoreRecord, typesystem: TypeSystem, input: ReadOptions): ReadScope | Promise<ReadScope> {
    // The cache key carries the revision, so any write makes earlier cached answers unreachable.
    const cacheKey = input.consistency === 'HIGHER_CONSISTENCY' ? undefined : `${storeId}@${store.revision}`;
    let reader = this.#readers.get(storeId);
    if (!reader) {
      if (this.#readers.size >= 10_000) this.#readers.clear();
      reader = toReader(this.#store, storeId);
      this.#readers.set(storeId, reader);
    }
    const database: ReadScope = { typesystem, reader, cacheKey };
    const memory = this.#mirror?.readerAt(storeId, store.revision, reader);
    if (!memory) return database;
    if (!(memory instanceof Promise)) return { typesystem, reader: memory, cacheKey, inMemory: true };
    return memory.then((caughtUp) => (caughtUp ? { typesystem, reader: caughtUp, cacheKey, inMemory: true } : database));
  }
}

function toModel(record: AuthorizationModelRecord): AuthorizationModel {
  return {
    id: record.id,
    schema_version: record.schema_version,
    type_definitions: record.type_definitions as AuthorizationModel['type_definitions'],
    conditions: record.conditions as AuthorizationModel['conditions'],
  };
}

function requireTuple(tuple: TupleKey | undefined): TupleKey {
  if (!tuple || typeof tuple !== 'object' || !tuple.object || !tuple.relation || !tuple.user)
    throw new FgaError('validation_error', 'tuple_key with object, relation and user is required');
  return tuple;
}

function query(input: QueryInput) {
  return { contextualTuples: input.contextual_tuples ?? [], context: input.context ?? undefined };
}
