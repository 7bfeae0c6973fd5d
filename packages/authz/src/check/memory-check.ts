import type { Userset } from '../model/types.ts';
import type { RelationDefinition, TypeSystem, UserShapes } from '../model/typesystem.ts';
import type { TupleKey } from '../tuple-key.ts';
import type { ObjectTuples, RowIndex, TupleReader } from '../tuple-reader.ts';
import { maxResolutionDepth } from './types.ts';

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
  readonly userType: string;
  /** The user's relation when it is a userset (`member` of `group:eng#member`), else ''. */
  readonly userRelation: string;
  readonly userIsWildcard: boolean;
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
  const hash = user.indexOf('#');
  const userType = user.slice(0, user.indexOf(':'));
  const walk: Walk = {
    typesystem,
    reader,
    user,
    wildcard: hash === -1 ? `${userType}:*` : undefined,
    userType,
    userRelation: hash === -1 ? '' : user.slice(hash + 1),
    userIsWildcard: user.endsWith(':*'),
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
  if (walk.userRelation && walk.user === `${object}#${relation}`) return granted;
  const definition = walk.typesystem.relation(object.slice(0, object.indexOf(':')), relation);
  if (!definition) return denied;
  return rewrite(walk, object, tuples, definition, definition.rewrite, depth);
}

/** `relation` of `object`, the object `row` names as its user: through the row's link when the reader keeps one. */
function follow(walk: Walk, row: TupleKey, object: string, relation: string, depth: number): Outcome {
  const { reader } = walk;
  if (!reader.readLinked) return resolve(walk, object, relation, depth);
  return resolveOn(walk, object, reader.readLinked(row, object) ?? noRows, relation, depth);
}

/** Past the depth limit the general resolver reports the error (or the cycle that led there). */
const tooDeep = (depth: number) => depth + 1 > maxResolutionDepth;

function rewrite(
  walk: Walk,
  object: string,
  tuples: ObjectTuples | undefined,
  definition: RelationDefinition,
  userset: Userset,
  depth: number,
): Outcome {
  if (userset.this) return direct(walk, object, tuples, definition, depth);
  if (userset.computedUserset)
    return tooDeep(depth) ? unknown : resolveOn(walk, object, tuples, userset.computedUserset.relation, depth + 1);
  if (userset.tupleToUserset) return tupleToUserset(walk, object, tuples, definition.type, userset.tupleToUserset, depth);
  // Union: a grant decides; intersection: a denial does, whatever an undecided branch would have
  // said (errors and cycles lose to a decisive branch in the general resolver too).
  if (userset.union) return decisive(walk, object, tuples, definition, userset.union.child, granted, depth);
  if (userset.intersection) return decisive(walk, object, tuples, definition, userset.intersection.child, denied, depth);
  if (userset.difference) {
    const base = rewrite(walk, object, tuples, definition, userset.difference.base, depth);
    if (base === denied) return denied;
    // A cycle under `subtract` denies, so only a certain "not related" there grants.
    const subtract = rewrite(walk, object, tuples, definition, userset.difference.subtract, depth);
    if (subtract === granted) return denied;
    return base === granted && subtract === denied ? granted : unknown;
  }
  return denied;
}

/** The first branch answering `decides` decides; otherwise the other answer, or unknown if any branch was. */
function decisive(
  walk: Walk,
  object: string,
  tuples: ObjectTuples | undefined,
  definition: RelationDefinition,
  children: readonly Userset[],
  decides: typeof granted | typeof denied,
  depth: number,
): Outcome {
  let outcome: Outcome = decides === granted ? denied : granted;
  for (const child of children) {
    const branch = rewrite(walk, object, tuples, definition, child, depth);
    if (branch === decides) return decides;
    if (branch === unknown) outcome = unknown;
  }
  return outcome;
}

// Conditioned tuples are left to the general resolver whether or not they still fit the model.
const conditioned = (tuple: TupleKey) => Boolean(tuple.condition?.name);

/**
 * Whether an unconditioned tuple naming the user itself (or, with `wildcard`, the wildcard of its
 * type) fits the relation's type restrictions: tuples written under an older model may not, and
 * are skipped, as `TypeSystem.isValidTuple` does. Decided by shape, with no string built.
 */
function userFits(walk: Walk, shapes: UserShapes, wildcard: boolean): boolean {
  if (wildcard || walk.userIsWildcard) return shapes.wildcard.has(walk.userType);
  if (walk.userRelation) return shapes.usersets.get(walk.userType)?.has(walk.userRelation) ?? false;
  return shapes.plain.has(walk.userType);
}

/** The rows of `object#relation`: from the object already looked up, or through the reader (undefined if it is not synchronous). */
function rows(walk: Walk, object: string, tuples: ObjectTuples | undefined, relation: string): readonly TupleKey[] | RowIndex | undefined {
  if (tuples) return tuples.rows(relation);
  const read = walk.reader.readByObject(object, relation);
  if (!(read instanceof Promise)) return read;
  read.catch(() => {});
  return undefined;
}

function direct(walk: Walk, object: string, tuples: ObjectTuples | undefined, definition: RelationDefinition, depth: number): Outcome {
  const read = rows(walk, object, tuples, definition.name);
  if (!read) return unknown;
  const shapes = definition.unconditioned;
  if (!Array.isArray(read)) return directIndexed(walk, read as RowIndex, shapes, depth);
  const list = read as readonly TupleKey[];
  const { user, wildcard } = walk;
  let outcome: Outcome = denied;
  let usersets = false;
  // The user, or the public wildcard, first: one such tuple decides without following usersets.
  for (const tuple of list) {
    const tupleUser = tuple.user;
    if (tupleUser === user || tupleUser === wildcard) {
      if (conditioned(tuple)) outcome = unknown;
      else if (userFits(walk, shapes, tupleUser !== user)) return granted;
    } else if (!usersets && tupleUser.includes('#')) usersets = true;
  }
  return usersets ? followUsersets(walk, list, shapes, outcome, depth) : outcome;
}

/** `direct` over an indexed list: the user and the wildcard are looked up, the rest walked. */
function directIndexed(walk: Walk, index: RowIndex, shapes: UserShapes, depth: number): Outcome {
  const { user, wildcard } = walk;
  if (index.byUser.has(user) && userFits(walk, shapes, false)) return granted;
  if (wildcard !== undefined && index.byUser.has(wildcard) && userFits(walk, shapes, true)) return granted;
  let outcome: Outcome = denied;
  // Conditioned tuples naming the user (or the wildcard) are only in the rest.
  for (const tuple of index.rest) if (tuple.user === user || tuple.user === wildcard) outcome = unknown;
  return followUsersets(walk, index.rest, shapes, outcome, depth);
}

/** The userset rows of a direct relation (`group:eng#member`): each is a sub-problem for the user. */
function followUsersets(walk: Walk, list: readonly TupleKey[], shapes: UserShapes, outcome: Outcome, depth: number): Outcome {
  const { user, wildcard } = walk;
  for (const tuple of list) {
    const tupleUser = tuple.user;
    if (tupleUser === user || tupleUser === wildcard) continue;
    const hash = tupleUser.indexOf('#');
    if (hash === -1) continue;
    if (conditioned(tuple) || tooDeep(depth)) {
      outcome = unknown;
      continue;
    }
    const relation = tupleUser.slice(hash + 1);
    if (!shapes.usersets.get(tupleUser.slice(0, tupleUser.indexOf(':')))?.has(relation)) continue;
    const branch = follow(walk, tuple, tupleUser.slice(0, hash), relation, depth + 1);
    if (branch === granted) return granted;
    if (branch === unknown) outcome = unknown;
  }
  return outcome;
}

function tupleToUserset(
  walk: Walk,
  object: string,
  tuples: ObjectTuples | undefined,
  objectType: string,
  ttu: NonNullable<Userset['tupleToUserset']>,
  depth: number,
): Outcome {
  const tupleset = walk.typesystem.relation(objectType, ttu.tupleset.relation);
  // No such relation: no stored tuple of it fits the model.
  if (!tupleset) return denied;
  const read = rows(walk, object, tuples, tupleset.name);
  if (!read) return unknown;
  // A tupleset's rows are plain objects: an index (a long list) holds them in its map, the rest beside it.
  const lists: Array<Iterable<TupleKey>> = Array.isArray(read) ? [read] : [(read as RowIndex).byUser.values(), (read as RowIndex).rest];
  const computed = ttu.computedUserset.relation;
  const { typesystem } = walk;
  const fits = tupleset.unconditioned.plain;
  let outcome: Outcome = denied;
  for (const list of lists)
    for (const tuple of list) {
      const parent = tuple.user;
      // Only plain objects lead on (not usersets, not wildcards), to types that define the relation.
      const colon = parent.indexOf(':');
      if (colon <= 0 || parent.includes('#') || parent.endsWith(':*')) continue;
      if (conditioned(tuple) || tooDeep(depth)) {
        outcome = unknown;
        continue;
      }
      const parentType = parent.slice(0, colon);
      if (!fits.has(parentType) || !typesystem.relation(parentType, computed)) continue;
      const branch = follow(walk, tuple, parent, computed, depth + 1);
      if (branch === granted) return granted;
      if (branch === unknown) outcome = unknown;
    }
  return outcome;
}
