import type { TypeSystem } from '../model/typesystem.ts';
import type { TupleKey } from '../tuple-key.ts';
import type { MaybePromise, TupleReader } from '../tuple-reader.ts';

/** OpenFGA's resolution depth limit: deeper problems fail with `authorization_model_resolution_too_complex`. */
export const maxResolutionDepth = 25;

/** One sub-problem: is `user` related to `object` by `relation`? */
export interface CheckRequest {
  readonly object: string;
  readonly relation: string;
  readonly user: string;
  /** Dispatches taken to reach this problem. */
  readonly depth: number;
  /** `object#relation@user`, when the dispatcher has built it already (the cache's key). */
  readonly key?: string;
  /** `object#relation@user` keys on the path here, for cycle detection. */
  readonly visited: ReadonlySet<string>;
}

/** Why a check came out as it did: the path that granted, or the branches that failed. */
export interface Explanation {
  /** `object#relation` being resolved, or the tuple followed. */
  node: string;
  rule:
    | 'self'
    | 'direct'
    | 'wildcard'
    | 'userset'
    | 'computed_userset'
    | 'tuple_to_userset'
    | 'union'
    | 'intersection'
    | 'exclusion'
    | 'cycle';
  allowed: boolean;
  tuple?: TupleKey;
  condition?: { name: string; met: boolean };
  children?: Explanation[];
}

export interface CheckResult {
  allowed: boolean;
  /** The answer was cut short by a cycle: "not allowed", but only on this path, so never cached. */
  cycle?: boolean;
  explanation?: Explanation;
}

/** What every resolver of one request shares. */
export interface ResolutionContext {
  readonly typesystem: TypeSystem;
  readonly reader: TupleReader;
  /** The request's condition context. */
  readonly context: Record<string, unknown> | undefined;
  /** Build explanations (slower; only for `explain`). */
  readonly explain: boolean;
  /** The head of the resolver chain: sub-problems go back through it (and its cache). */
  readonly dispatch: (request: CheckRequest) => MaybePromise<CheckResult>;
  /** Identifies what a cached answer depends on: store, model, revision, context, contextual tuples. */
  readonly cacheScope: string | undefined;
}

/** A link in the resolver chain (cache → local checker), as OpenFGA's `CheckResolver`. */
export interface CheckResolver {
  /** Answers synchronously when everything it reads does (a synchronous tuple reader). */
  resolveCheck(request: CheckRequest, context: ResolutionContext): MaybePromise<CheckResult>;
}
