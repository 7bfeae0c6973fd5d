import type { Userset } from '../model/types.ts';
import type { TypeSystem } from '../model/typesystem.ts';
import type { TupleKey } from '../tuple-key.ts';
import type { ObjectTuples, RowIndex, TupleReader } from '../tuple-reader.ts';
import { type CheckResolver, maxResolutionDepth } from './types.ts';

/**
 * Check over a store held in memory, as plain recursion over booleans: no sub-problem objects,
 * no branch closures, no cache entries per step. It answers only what it can answer exactly as
 * the general resolver (local-checker.ts) would; on anything else (a conditioned tuple, a cycle,
 * the depth limit, a read that is not synchronous, too much work) it gives up and the general
 * resolver answers the whole check, with its errors, cycle rules and explanations.
 */

const granted = 1;
const denied = 0;
/** The general resolver must decide (a condition, a cycle, an error, or the budget spent). */
const unknown = -1;
type Outcome = typeof granted | typeof denied | typeof unknown;

/** Sub-problems one check may visit here before the general resolver (with its cache and cycle detection) takes over. */
const defaultBudget = 2000;

interface Walk {
  readonly typesystem: TypeSystem;
  readonly reader: TupleReader;
  readonly user: string;
  /** `type:*` for a plain user (public access matches it), undefined for a userset. */
  readonly wildcard: string | undefined;
  readonly userIsUserset: boolean;
  budget: number;
}

/**
 * Is `user` related to `object` by `relation`? True or false when the answer is certain without
 * conditions, cycles or errors on the way; undefined otherwise (OpenFGA Check, §"Check API").
 * `reader` must answer synchronously (a store in memory); the request is already validated.
 */
export function checkInMemory(
  typesystem: TypeSystem,
  reader: TupleReader,
  tuple: { object: string; relation: string; user: string },
  budget = defaultBudget,
): boolean | undefined {
  const { user } = tuple;
  const userIsUserset = user.includes('#');
  const walk: Walk = {
    typesystem,
    reader,
    user,
    wildcard: userIsUserset ? undefined : `${user.slice(0, user.indexOf(':'))}:*`,
    userIsUserset,
    budget,
  };
  const outcome = resolve(walk, tuple.object, tuple.relation, 0);
  return outcome === unknown ? undefined : outcome === granted;
}

const noRows: ObjectTuples = { rows: () => [] };

function resolve(walk: Walk, object: string, relation: string, depth: number): Outcome {
  // One lookup of the object serves every relation its rule reads.
  const tuples = walk.reader.readObject ? (walk.reader.readObject(object) ?? noRows) : undefined;
  return resolveOn(walk, object, tuples, relation, depth);
}

function resolveOn(walk: Walk, object: string, tuples: ObjectTuples | undefined, relation: string, depth: number): Outcome {
  if (--walk.budget < 0) return unknown;
  // A userset is trivially a member of itself (`group:eng#member` is in `group:eng#member`).
  if (walk.userIsUserset && walk.user === `${object}#${relation}`) return granted;
  const definition = walk.typesystem.relation(object.slice(0, object.indexOf(':')), relation);
  if (!definition) return denied;
  return rewrite(walk, object, tuples, relation, definition.rewrite, depth);
}

/** Past the depth limit the general resolver reports the error (or the cycle that led there). */
const tooDeep = (depth: number) => depth + 1 > maxResolutionDepth;

function rewrite(walk: Walk, object: string, tuples: ObjectTuples | undefined, relation: string, userset: Userset, depth: number): Outcome {
  if (userset.this) return direct(walk, object, tuples, relation, depth);
  if (userset.computedUserset)
    return tooDeep(depth) ? unknown : resolveOn(walk, object, tuples, userset.computedUserset.relation, depth + 1);
  if (userset.tupleToUserset) return tupleToUserset(walk, object, tuples, userset.tupleToUserset, depth);
  if (userset.union) {
    // A granting branch decides whatever an undecided one would have said (errors and cycles lose to it).
    let outcome: Outcome = denied;
    for (const child of userset.union.child) {
      const branch = rewrite(walk, object, tuples, relation, child, depth);
      if (branch === granted) return granted;
      if (branch === unknown) outcome = unknown;
    }
    return outcome;
  }
  if (userset.intersection) {
    let outcome: Outcome = granted;
    for (const child of userset.intersection.child) {
      const branch = rewrite(walk, object, tuples, relation, child, depth);
      if (branch === denied) return denied;
      if (branch === unknown) outcome = unknown;
    }
    return outcome;
  }
  if (userset.difference) {
    const base = rewrite(walk, object, tuples, relation, userset.difference.base, depth);
    if (base === denied) return denied;
    // A cycle under `subtract` denies, so only a certain "not related" there grants.
    const subtract = rewrite(walk, object, tuples, relation, userset.difference.subtract, depth);
    if (subtract === granted) return denied;
    return base === granted && subtract === denied ? granted : unknown;
  }
  return denied;
}

const conditioned = (tuple: TupleKey) => Boolean(tuple.condition?.name);

/** The rows of `object#relation`: from the object already looked up, or through the reader (undefined if it is not synchronous). */
function rows(walk: Walk, object: string, tuples: ObjectTuples | undefined, relation: string): readonly TupleKey[] | RowIndex | undefined {
  if (tuples) return tuples.rows(relation);
  const read = walk.reader.readByObject(object, relation);
  if (!(read instanceof Promise)) return read;
  read.catch(() => {});
  return undefined;
}

function direct(walk: Walk, object: string, tuples: ObjectTuples | undefined, relation: string, depth: number): Outcome {
  const read = rows(walk, object, tuples, relation);
  if (!read) return unknown;
  if (!Array.isArray(read)) return directIndexed(walk, read as RowIndex, depth);
  const list = read as readonly TupleKey[];
  const { user, wildcard, typesystem } = walk;
  let outcome: Outcome = denied;
  let usersets = false;
  // The user, or the public wildcard, first: one such tuple decides without following usersets.
  for (const tuple of list) {
    const tupleUser = tuple.user;
    if (tupleUser === user || tupleUser === wildcard) {
      if (!typesystem.isValidTuple(tuple)) continue;
      if (!conditioned(tuple)) return granted;
      outcome = unknown;
    } else if (!usersets && tupleUser.includes('#')) usersets = true;
  }
  return usersets ? followUsersets(walk, list, outcome, depth) : outcome;
}

/** `direct` over an indexed list: the user and the wildcard are looked up, the rest walked. */
function directIndexed(walk: Walk, index: RowIndex, depth: number): Outcome {
  const { user, wildcard, typesystem } = walk;
  const own = index.byUser.get(user);
  if (own && typesystem.isValidTuple(own)) return granted;
  const publicRow = wildcard === undefined ? undefined : index.byUser.get(wildcard);
  if (publicRow && typesystem.isValidTuple(publicRow)) return granted;
  let outcome: Outcome = denied;
  // Conditioned tuples naming the user (or the wildcard) are only in the rest.
  for (const tuple of index.rest) if ((tuple.user === user || tuple.user === wildcard) && typesystem.isValidTuple(tuple)) outcome = unknown;
  return followUsersets(walk, index.rest, outcome, depth);
}

/** The userset rows of a direct relation (`group:eng#member`): each is a sub-problem for the user. */
function followUsersets(walk: Walk, list: readonly TupleKey[], outcome: Outcome, depth: number): Outcome {
  const { user, wildcard, typesystem } = walk;
  for (const tuple of list) {
    const tupleUser = tuple.user;
    if (tupleUser === user || tupleUser === wildcard) continue;
    const hash = tupleUser.indexOf('#');
    if (hash === -1 || !typesystem.isValidTuple(tuple)) continue;
    if (conditioned(tuple)) {
      outcome = unknown;
      continue;
    }
    if (tooDeep(depth)) {
      outcome = unknown;
      continue;
    }
    const branch = resolve(walk, tupleUser.slice(0, hash), tupleUser.slice(hash + 1), depth + 1);
    if (branch === granted) return granted;
    if (branch === unknown) outcome = unknown;
  }
  return outcome;
}

function tupleToUserset(
  walk: Walk,
  object: string,
  tuples: ObjectTuples | undefined,
  ttu: NonNullable<Userset['tupleToUserset']>,
  depth: number,
): Outcome {
  const read = rows(walk, object, tuples, ttu.tupleset.relation);
  if (!read) return unknown;
  // A tupleset's rows are plain objects: an index (a long list) holds them in its map.
  const list = Array.isArray(read) ? (read as readonly TupleKey[]) : [...(read as RowIndex).byUser.values(), ...(read as RowIndex).rest];
  const computed = ttu.computedUserset.relation;
  const { typesystem } = walk;
  let outcome: Outcome = denied;
  for (const tuple of list) {
    const parent = tuple.user;
    // Only plain objects lead on (not usersets, not wildcards), to types that define the relation.
    const colon = parent.indexOf(':');
    if (colon <= 0 || parent.includes('#') || parent.endsWith(':*')) continue;
    if (!typesystem.isValidTuple(tuple) || !typesystem.relation(parent.slice(0, colon), computed)) continue;
    if (conditioned(tuple) || tooDeep(depth)) {
      outcome = unknown;
      continue;
    }
    const branch = resolve(walk, parent, computed, depth + 1);
    if (branch === granted) return granted;
    if (branch === unknown) outcome = unknown;
  }
  return outcome;
}

/**
 * A link in the resolver chain: a whole check over a store in memory goes through
 * `checkInMemory` first, and to `delegate` (the general resolver) when that cannot decide.
 */
export function memoryCheckResolver(delegate: CheckResolver): CheckResolver {
  return {
    resolveCheck(request, context) {
      if (context.inMemory && !context.explain && request.depth === 0) {
        const allowed = checkInMemory(context.typesystem, context.reader, request);
        if (allowed !== undefined) return { allowed };
      }
      return delegate.resolveCheck(request, context);
    },
  };
}
