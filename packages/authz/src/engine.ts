import { type CheckCacheOptions, cachedCheckResolver } from './check/cache.ts';
import { localChecker } from './check/local-checker.ts';
import { checkInMemory } from './check/memory-check.ts';
import type { CheckRequest, CheckResolver, CheckResult, Explanation, ResolutionContext } from './check/types.ts';
import { FgaError } from './errors.ts';
import { expand, type UsersetTreeNode } from './expand.ts';
import { reverseExpand } from './list-objects/reverse-expand.ts';
import { decodeListToken, type Expansion, type ListObjectsPage, listObjectsPage, streamObjects } from './list-objects.ts';
import { type ListUsersResult, listUsers, type UserFilter } from './list-users.ts';
import type { TypeSystem } from './model/typesystem.ts';
import { createReadCache, type ReadCacheOptions } from './read-cache.ts';
import { assertTupleFormat, parseObject, parseUser, type TupleKey } from './tuple-key.ts';
import { type MaybePromise, memoizedReader, type TupleReader, withContextualTuples } from './tuple-reader.ts';

export interface AuthzEngineOptions {
  /** Sub-problem cache in front of the local checker; `false` disables it. */
  cache?: CheckCacheOptions | false;
  /** Object reads shared across requests of one store revision; `false` disables it. */
  readCache?: ReadCacheOptions | false;
  /** Objects per ListObjects page (OpenFGA's default is 1000). */
  listObjectsMaxResults?: number;
  /** Time budget of one ListObjects call in ms; past it the page ends with a continuation token. */
  listObjectsDeadlineMs?: number;
  /** Users per ListUsers answer; beyond it the answer is marked incomplete. */
  listUsersMaxResults?: number;
  now?: () => number;
}

/** What a read resolves against: one model, one store's tuples. */
export interface ReadScope {
  typesystem: TypeSystem;
  reader: TupleReader;
  /**
   * Identifies the store and the revision read (the consistency token); answers are cached under
   * it. Leave it out to bypass caches (HIGHER_CONSISTENCY).
   */
  cacheKey?: string;
  /** The reader answers from memory (the store's mirror): shared reads and the per-request memo would only add work. */
  inMemory?: boolean;
}

export interface RelationshipQuery {
  tuple: { object: string; relation: string; user: string };
  contextualTuples?: TupleKey[];
  context?: Record<string, unknown>;
}

export interface CheckInput extends ReadScope, RelationshipQuery {}

export interface BatchCheckItem extends RelationshipQuery {
  correlation_id: string;
}

export type BatchCheckOutcome = { allowed: boolean } | { error: FgaError };

export interface ListObjectsInput extends ReadScope {
  type: string;
  relation: string;
  user: string;
  contextualTuples?: TupleKey[];
  context?: Record<string, unknown>;
  continuationToken?: string;
  maxResults?: number;
}

export interface ListUsersInput extends ReadScope {
  object: { type: string; id: string };
  relation: string;
  filters: UserFilter[];
  contextualTuples?: TupleKey[];
  context?: Record<string, unknown>;
}

/** The relationship engine: check, explain, batch check, expand, list objects, list users. */
export interface AuthzEngine {
  check(input: CheckInput): Promise<{ allowed: boolean }>;
  /** Check, with the path of relationships that granted or the branches that failed. */
  explain(input: CheckInput): Promise<{ allowed: boolean; explanation: Explanation | undefined }>;
  batchCheck(scope: ReadScope, items: BatchCheckItem[]): Promise<Map<string, BatchCheckOutcome>>;
  expand(input: ReadScope & { object: string; relation: string; contextualTuples?: TupleKey[] }): Promise<UsersetTreeNode>;
  /** One page of ListObjects, ascending by id; a cut page carries a continuation token. */
  listObjects(input: ListObjectsInput): Promise<ListObjectsPage>;
  /** Streamed ListObjects: every object, each once, as soon as it is known. */
  streamObjects(input: ListObjectsInput, onObject: (object: string) => void): Promise<void>;
  listUsers(input: ListUsersInput): Promise<ListUsersResult>;
}

/**
 * Builds the engine: a resolver chain (cache → local checker) over the caller's tuple reader.
 *
 * @example
 * const engine = createAuthzEngine();
 * const { allowed } = await engine.check({ typesystem, reader, tuple: { object: 'doc:1', relation: 'viewer', user: 'user:anne' } });
 */
export function createAuthzEngine(options: AuthzEngineOptions = {}): AuthzEngine {
  const local = localChecker();
  const head: CheckResolver = options.cache === false ? local : cachedCheckResolver(local, options.cache ?? {});
  const now = options.now ?? Date.now;
  const reads = options.readCache === false ? undefined : createReadCache({ now, ...options.readCache });
  const listObjectsMax = options.listObjectsMaxResults ?? 1000;
  const listObjectsDeadline = options.listObjectsDeadlineMs ?? 3000;

  function resolutionContext(
    scope: ReadScope,
    query: { contextualTuples?: TupleKey[]; context?: Record<string, unknown> },
    explain: boolean,
    reader: TupleReader,
  ): ResolutionContext {
    const cacheable = scope.cacheKey !== undefined && !query.contextualTuples?.length;
    const context: ResolutionContext = {
      typesystem: scope.typesystem,
      reader,
      context: query.context,
      explain,
      cacheScope: cacheable
        ? `${scope.cacheKey}|${scope.typesystem.id}|${query.context ? JSON.stringify(query.context) : '{}'}`
        : undefined,
      dispatch: (request: CheckRequest) => head.resolveCheck(request, context),
    };
    return context;
  }

  function requestReader(scope: ReadScope, contextual: TupleKey[] | undefined): TupleReader {
    for (const tuple of contextual ?? []) {
      assertTupleFormat(tuple, 'invalid_tuple');
      scope.typesystem.assertValidTuple(tuple, 'invalid_tuple');
    }
    if (scope.inMemory) return withContextualTuples(scope.reader, contextual ?? []);
    // Shared reads sit under the request's contextual tuples, which belong to that request alone.
    const stored = reads && scope.cacheKey !== undefined ? reads.over(scope.reader, scope.cacheKey) : scope.reader;
    return memoizedReader(withContextualTuples(stored, contextual ?? []));
  }

  /**
   * A store in memory is checked by the plain recursion first, before the cache and before any
   * per-request state is built: its answer costs about what a cache lookup does, and keeping it
   * would cost more (every entry outlives a young collection). The general resolver, with the
   * cache, decides what the recursion cannot, and every explanation.
   */
  function decide(
    scope: ReadScope,
    context: () => ResolutionContext,
    reader: TupleReader,
    tuple: { object: string; relation: string; user: string },
    explain: boolean,
  ): MaybePromise<CheckResult> {
    if (scope.inMemory && !explain) {
      const allowed = checkInMemory(scope.typesystem, reader, tuple);
      if (allowed !== undefined) return { allowed };
    }
    const { object, relation, user } = tuple;
    const key = `${object}#${relation}@${user}`;
    return context().dispatch({ object, relation, user, key, depth: 0, visited: new Set([key]) });
  }

  async function resolve(scope: ReadScope, query: RelationshipQuery, explain: boolean): Promise<CheckResult> {
    validateCheckTuple(scope.typesystem, query.tuple);
    const reader = requestReader(scope, query.contextualTuples);
    return decide(scope, () => resolutionContext(scope, query, explain, reader), reader, query.tuple, explain);
  }

  /** Validates a ListObjects request; its reverse expansion and the check that confirms candidates. */
  function listObjectsPlan(input: ListObjectsInput): { expand: Expansion; confirm: (object: string) => Promise<CheckResult> } {
    const ts = input.typesystem;
    if (!ts.hasType(input.type)) throw new FgaError('type_not_found', `type '${input.type}' not found`);
    if (!ts.relation(input.type, input.relation))
      throw new FgaError('relation_not_found', `relation '${input.type}#${input.relation}' not found`);
    validateUser(ts, input.user);
    const reader = requestReader(input, input.contextualTuples);
    const context = resolutionContext(input, input, false, reader);
    return {
      expand: (onObject) =>
        reverseExpand({
          typesystem: ts,
          reader,
          type: input.type,
          relation: input.relation,
          user: input.user,
          context: input.context,
          onObject,
        }),
      confirm: async (object) => decide(input, () => context, reader, { object, relation: input.relation, user: input.user }, false),
    };
  }

  return {
    async check(input) {
      const result = await resolve(input, input, false);
      return { allowed: result.allowed };
    },
    async explain(input) {
      const result = await resolve(input, input, true);
      return { allowed: result.allowed, explanation: result.explanation };
    },
    async batchCheck(scope, items) {
      const outcomes = new Map<string, BatchCheckOutcome>();
      await Promise.all(
        items.map(async (item) => {
          try {
            outcomes.set(item.correlation_id, { allowed: (await resolve(scope, item, false)).allowed });
          } catch (error) {
            if (!(error instanceof FgaError)) throw error;
            outcomes.set(item.correlation_id, { error });
          }
        }),
      );
      return outcomes;
    },
    async expand(input) {
      const object = parseObject(input.object);
      if (!object) throw new FgaError('validation_error', `invalid 'object' field format`);
      if (!input.typesystem.hasType(object.type)) throw new FgaError('type_not_found', `type '${object.type}' not found`);
      if (!input.typesystem.relation(object.type, input.relation))
        throw new FgaError('relation_not_found', `relation '${object.type}#${input.relation}' not found`);
      const reader = requestReader(input, input.contextualTuples);
      return expand({ typesystem: input.typesystem, reader, object: input.object, relation: input.relation });
    },
    async listObjects(input) {
      const started = now();
      const { expand, confirm } = listObjectsPlan(input);
      return listObjectsPage({
        expand,
        confirm,
        maxResults: input.maxResults ?? listObjectsMax,
        after: input.continuationToken ? decodeListToken(input.continuationToken) : undefined,
        deadline: started + listObjectsDeadline,
        now,
      });
    },
    async streamObjects(input, onObject) {
      await streamObjects({ ...listObjectsPlan(input), onObject });
    },
    async listUsers(input) {
      const ts = input.typesystem;
      if (!ts.hasType(input.object.type)) throw new FgaError('type_not_found', `type '${input.object.type}' not found`);
      if (!ts.relation(input.object.type, input.relation))
        throw new FgaError('relation_not_found', `relation '${input.object.type}#${input.relation}' not found`);
      if (input.filters.length !== 1) throw new FgaError('validation_error', 'exactly one user filter is required');
      const filter = input.filters[0] as UserFilter;
      if (!ts.hasType(filter.type)) throw new FgaError('type_not_found', `type '${filter.type}' not found`);
      if (filter.relation && !ts.relation(filter.type, filter.relation))
        throw new FgaError('relation_not_found', `relation '${filter.type}#${filter.relation}' not found`);
      const reader = requestReader(input, input.contextualTuples);
      return listUsers({
        typesystem: ts,
        reader,
        object: input.object,
        relation: input.relation,
        filter,
        context: input.context,
        maxResults: options.listUsersMaxResults ?? 1000,
      });
    },
  };
}

function validateUser(ts: TypeSystem, userString: string) {
  const user = parseUser(userString);
  if (!user) throw new FgaError('validation_error', `invalid 'user' field format: '${userString}'`);
  if (!ts.hasType(user.type)) throw new FgaError('validation_error', `type '${user.type}' not found`);
  if (user.relation && !ts.relation(user.type, user.relation))
    throw new FgaError('validation_error', `relation '${user.type}#${user.relation}' not found`);
  return user;
}

/** OpenFGA's Check request validation: every problem is a `validation_error`. */
function validateCheckTuple(ts: TypeSystem, tuple: { object: string; relation: string; user: string }): void {
  const object = parseObject(tuple.object);
  if (!object) throw new FgaError('validation_error', `invalid 'object' field format: '${tuple.object}'`);
  if (!ts.hasType(object.type)) throw new FgaError('validation_error', `type '${object.type}' not found`);
  if (!ts.relation(object.type, tuple.relation))
    throw new FgaError('validation_error', `relation '${object.type}#${tuple.relation}' not found`);
  validateUser(ts, tuple.user);
}
