import { FgaError } from '../errors.ts';
import type { Userset } from '../model/types.ts';
import { parseUser, type TupleKey } from '../tuple-key.ts';
import type { MaybePromise } from '../tuple-reader.ts';
import { exclusion, intersection, type OperatorResult, union } from './operators.ts';
import {
  type CheckRequest,
  type CheckResolver,
  type CheckResult,
  type Explanation,
  maxResolutionDepth,
  type ResolutionContext,
} from './types.ts';

/**
 * Resolves one sub-problem against tuples and the model's rewrite rules; every sub-problem it
 * raises goes back through `context.dispatch`, the head of the chain (OpenFGA's LocalChecker).
 */
export function localChecker(): CheckResolver {
  return {
    resolveCheck(request, context) {
      const { object, relation, user } = request;
      const node = `${object}#${relation}`;
      // A userset is trivially a member of itself (`group:eng#member` is in `group:eng#member`).
      if (user === node) return grant(context, { node, rule: 'self', allowed: true });
      // The request was validated before dispatch, and sub-problems come from stored tuples.
      const objectType = object.slice(0, object.indexOf(':'));
      const definition = context.typesystem.relation(objectType, relation);
      if (!definition) return { allowed: false };
      // Every relation of this object the rule reads (`viewer: [user] or owner or viewer from
      // parent` reads viewer, owner and parent) in one read; the branches then find their rows
      // in the request's memo. A failed read fails the branch that needs it, as before.
      const { relations, wholeObject } = context.typesystem.objectRelations(objectType, relation);
      if (relations.length > 1 && context.reader.readByObjectRelations) {
        try {
          const read = context.reader.readByObjectRelations(object, relations, wholeObject);
          if (read instanceof Promise) read.catch(ignore);
        } catch {
          // Nothing was remembered: each branch reads (and fails) on its own.
        }
      }
      return rewrite(request, definition.rewrite, context);
    },
  };
}

/** Sends a sub-problem back through the chain, with the depth bound and cycle detection. */
export function dispatchSub(parent: CheckRequest, object: string, relation: string, context: ResolutionContext): MaybePromise<CheckResult> {
  const key = `${object}#${relation}@${parent.user}`;
  if (parent.visited.has(key))
    return {
      allowed: false,
      cycle: true,
      explanation: context.explain ? { node: `${object}#${relation}`, rule: 'cycle', allowed: false } : undefined,
    };
  if (parent.depth + 1 > maxResolutionDepth)
    throw new FgaError(
      'authorization_model_resolution_too_complex',
      'Authorization Model resolution required too many rewrite rules to be resolved. Check your authorization model for infinite recursion or too much nesting',
    );
  const visited = new Set(parent.visited);
  visited.add(key);
  return context.dispatch({ object, relation, user: parent.user, key, depth: parent.depth + 1, visited });
}

const ignore = () => {};

/** Applies `next` to a value now, or when its promise settles. */
function then<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

function grant(context: ResolutionContext, explanation: Explanation): CheckResult {
  return { allowed: true, explanation: context.explain ? explanation : undefined };
}

function withExplanation(
  context: ResolutionContext,
  result: OperatorResult,
  node: string,
  rule: Explanation['rule'],
  extra: Partial<Explanation> = {},
): CheckResult {
  if (!context.explain) return { allowed: result.allowed, cycle: result.cycle };
  const children = result.children.flatMap((c) => (c.explanation ? [c.explanation] : []));
  return { allowed: result.allowed, cycle: result.cycle, explanation: { node, rule, allowed: result.allowed, ...extra, children } };
}

function rewrite(request: CheckRequest, userset: Userset, context: ResolutionContext): MaybePromise<CheckResult> {
  const node = `${request.object}#${request.relation}`;
  if (userset.this) return direct(request, context);
  if (userset.computedUserset) {
    const target = userset.computedUserset.relation;
    return then(dispatchSub(request, request.object, target, context), (r) =>
      withExplanation(context, { ...r, children: [r] }, `${request.object}#${target}`, 'computed_userset'),
    );
  }
  if (userset.tupleToUserset) return tupleToUserset(request, userset.tupleToUserset, context);
  if (userset.union)
    return then(union(userset.union.child.map((child) => () => rewrite(request, child, context))), (r) =>
      withExplanation(context, r, node, 'union'),
    );
  if (userset.intersection)
    return then(intersection(userset.intersection.child.map((child) => () => rewrite(request, child, context))), (r) =>
      withExplanation(context, r, node, 'intersection'),
    );
  if (userset.difference) {
    const { base, subtract } = userset.difference;
    return then(
      exclusion(
        () => rewrite(request, base, context),
        () => rewrite(request, subtract, context),
      ),
      (r) => withExplanation(context, r, node, 'exclusion'),
    );
  }
  return { allowed: false };
}

/** Evaluates a tuple's condition; a tuple without one is always met. Throws on missing context. */
function conditionMet(tuple: TupleKey, context: ResolutionContext): boolean {
  if (!tuple.condition?.name) return true;
  return context.typesystem.condition(tuple.condition.name).evaluate(tuple.condition.context, context.context);
}

function conditionNote(tuple: TupleKey, met: boolean): Explanation['condition'] {
  return tuple.condition?.name ? { name: tuple.condition.name, met } : undefined;
}

function direct(request: CheckRequest, context: ResolutionContext): MaybePromise<CheckResult> {
  const read = context.reader.readByObject(request.object, request.relation);
  return read instanceof Promise ? read.then((tuples) => directFrom(request, tuples, context)) : directFrom(request, read, context);
}

function directFrom(request: CheckRequest, read: TupleKey[], context: ResolutionContext): MaybePromise<CheckResult> {
  const { object, relation, user } = request;
  const node = `${object}#${relation}`;
  // Tuples that no longer fit the model are skipped; only those that could matter are looked at
  // (a row naming another plain user never does), which spares most rows the check.
  const ts = context.typesystem;
  // The common answer, without building branches: an unconditional tuple naming the user grants
  // the union whatever the other branches would say (a granting branch beats errors and cycles).
  if (!context.explain) for (const t of read) if (t.user === user && !t.condition?.name && ts.isValidTuple(t)) return { allowed: true };
  // `user:*` tuples match a plain user of that type (the user was validated before dispatch).
  const wildcard = user.includes('#') ? undefined : `${user.slice(0, user.indexOf(':'))}:*`;
  const branches: Array<() => MaybePromise<CheckResult>> = [];
  for (const tuple of read) {
    const tupleUser = tuple.user;
    const isWildcardMatch = wildcard !== undefined && tupleUser === wildcard;
    const isUserset = !isWildcardMatch && tupleUser !== user && tupleUser.includes('#');
    if (!(tupleUser === user || isWildcardMatch || isUserset) || !ts.isValidTuple(tuple)) continue;
    if (tupleUser === user || isWildcardMatch) {
      branches.push(() => {
        const met = conditionMet(tuple, context);
        const explanation: Explanation = {
          node,
          rule: isWildcardMatch && tupleUser !== user ? 'wildcard' : 'direct',
          allowed: met,
          tuple,
          condition: conditionNote(tuple, met),
        };
        return { allowed: met, explanation: context.explain ? explanation : undefined };
      });
      continue;
    }
    const hash = tupleUser.indexOf('#');
    branches.push(() => {
      if (!conditionMet(tuple, context))
        return {
          allowed: false,
          explanation: context.explain
            ? { node, rule: 'userset', allowed: false, tuple, condition: conditionNote(tuple, false) }
            : undefined,
        };
      return then(dispatchSub(request, tupleUser.slice(0, hash), tupleUser.slice(hash + 1), context), (result) =>
        withExplanation(context, { ...result, children: [result] }, node, 'userset', {
          tuple,
          condition: conditionNote(tuple, true),
        }),
      );
    });
  }
  return then(union(branches), (result) => withExplanation(context, result, node, 'union'));
}

function tupleToUserset(
  request: CheckRequest,
  ttu: NonNullable<Userset['tupleToUserset']>,
  context: ResolutionContext,
): MaybePromise<CheckResult> {
  const read = context.reader.readByObject(request.object, ttu.tupleset.relation);
  return read instanceof Promise
    ? read.then((tuples) => tupleToUsersetFrom(request, ttu, tuples, context))
    : tupleToUsersetFrom(request, ttu, read, context);
}

function tupleToUsersetFrom(
  request: CheckRequest,
  ttu: NonNullable<Userset['tupleToUserset']>,
  read: TupleKey[],
  context: ResolutionContext,
): MaybePromise<CheckResult> {
  const { object } = request;
  const tupleset = ttu.tupleset.relation;
  const computed = ttu.computedUserset.relation;
  const node = `${object}#${tupleset}`;
  const branches: Array<() => MaybePromise<CheckResult>> = [];
  for (const tuple of read) {
    if (!context.typesystem.isValidTuple(tuple)) continue;
    const parent = parseUser(tuple.user);
    if (!parent || parent.relation || parent.wildcard) continue;
    // The computed relation may exist on only some of the tupleset's types.
    if (!context.typesystem.relation(parent.type, computed)) continue;
    branches.push(() => {
      if (!conditionMet(tuple, context))
        return {
          allowed: false,
          explanation: context.explain
            ? { node, rule: 'tuple_to_userset', allowed: false, tuple, condition: conditionNote(tuple, false) }
            : undefined,
        };
      return then(dispatchSub(request, tuple.user, computed, context), (result) =>
        withExplanation(context, { ...result, children: [result] }, node, 'tuple_to_userset', {
          tuple,
          condition: conditionNote(tuple, true),
        }),
      );
    });
  }
  return then(union(branches), (result) => withExplanation(context, result, `${object}#${computed} from ${tupleset}`, 'union'));
}
