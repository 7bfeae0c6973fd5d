import { FgaError } from '../errors.ts';
import type { Userset } from '../model/types.ts';
import { parseUser, type TupleKey } from '../tuple-key.ts';
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
    async resolveCheck(request, context) {
      const { object, relation, user } = request;
      const node = `${object}#${relation}`;
      // A userset is trivially a member of itself (`group:eng#member` is in `group:eng#member`).
      if (user === node) return grant(context, { node, rule: 'self', allowed: true });
      // The request was validated before dispatch, and sub-problems come from stored tuples.
      const objectType = object.slice(0, object.indexOf(':'));
      const definition = context.typesystem.relation(objectType, relation);
      if (!definition) return { allowed: false };
      return rewrite(request, definition.rewrite, context);
    },
  };
}

/** Sends a sub-problem back through the chain, with the depth bound and cycle detection. */
export function dispatchSub(parent: CheckRequest, object: string, relation: string, context: ResolutionContext): Promise<CheckResult> {
  const key = `${object}#${relation}@${parent.user}`;
  if (parent.visited.has(key))
    return Promise.resolve({
      allowed: false,
      cycle: true,
      explanation: context.explain ? { node: `${object}#${relation}`, rule: 'cycle', allowed: false } : undefined,
    });
  if (parent.depth + 1 > maxResolutionDepth)
    return Promise.reject(
      new FgaError(
        'authorization_model_resolution_too_complex',
        'Authorization Model resolution required too many rewrite rules to be resolved. Check your authorization model for infinite recursion or too much nesting',
      ),
    );
  const visited = new Set(parent.visited);
  visited.add(key);
  return context.dispatch({ object, relation, user: parent.user, depth: parent.depth + 1, visited });
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

function rewrite(request: CheckRequest, userset: Userset, context: ResolutionContext): Promise<CheckResult> {
  const node = `${request.object}#${request.relation}`;
  if (userset.this) return direct(request, context);
  if (userset.computedUserset) {
    const target = userset.computedUserset.relation;
    return dispatchSub(request, request.object, target, context).then((r) =>
      withExplanation(context, { ...r, children: [r] }, `${request.object}#${target}`, 'computed_userset'),
    );
  }
  if (userset.tupleToUserset) return tupleToUserset(request, userset.tupleToUserset, context);
  if (userset.union)
    return union(userset.union.child.map((child) => () => rewrite(request, child, context))).then((r) =>
      withExplanation(context, r, node, 'union'),
    );
  if (userset.intersection)
    return intersection(userset.intersection.child.map((child) => () => rewrite(request, child, context))).then((r) =>
      withExplanation(context, r, node, 'intersection'),
    );
  if (userset.difference) {
    const { base, subtract } = userset.difference;
    return exclusion(
      () => rewrite(request, base, context),
      () => rewrite(request, subtract, context),
    ).then((r) => withExplanation(context, r, node, 'exclusion'));
  }
  return Promise.resolve({ allowed: false });
}

/** Evaluates a tuple's condition; a tuple without one is always met. Throws on missing context. */
function conditionMet(tuple: TupleKey, context: ResolutionContext): boolean {
  if (!tuple.condition?.name) return true;
  return context.typesystem.condition(tuple.condition.name).evaluate(tuple.condition.context, context.context);
}

function conditionNote(tuple: TupleKey, met: boolean): Explanation['condition'] {
  return tuple.condition?.name ? { name: tuple.condition.name, met } : undefined;
}

async function direct(request: CheckRequest, context: ResolutionContext): Promise<CheckResult> {
  const { object, relation, user } = request;
  const node = `${object}#${relation}`;
  const target = parseUser(user);
  const tuples = (await context.reader.readByObject(object, relation)).filter((t) => context.typesystem.isValidTuple(t));
  // The common answer, without building branches: an unconditional tuple naming the user grants
  // the union whatever the other branches would say (a granting branch beats errors and cycles).
  if (!context.explain && tuples.some((t) => t.user === user && !t.condition?.name)) return { allowed: true };
  const branches: Array<() => Promise<CheckResult>> = [];
  for (const tuple of tuples) {
    const tupleUser = tuple.user;
    const isWildcardMatch = target && !target.relation && tupleUser.endsWith(':*') && tupleUser === `${target.type}:*`;
    if (tupleUser === user || isWildcardMatch) {
      branches.push(async () => {
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
    if (hash === -1) continue;
    branches.push(async () => {
      if (!conditionMet(tuple, context))
        return {
          allowed: false,
          explanation: context.explain
            ? { node, rule: 'userset', allowed: false, tuple, condition: conditionNote(tuple, false) }
            : undefined,
        };
      const result = await dispatchSub(request, tupleUser.slice(0, hash), tupleUser.slice(hash + 1), context);
      return withExplanation(context, { ...result, children: [result] }, node, 'userset', {
        tuple,
        condition: conditionNote(tuple, true),
      });
    });
  }
  const result = await union(branches);
  return withExplanation(context, result, node, 'union');
}

async function tupleToUserset(
  request: CheckRequest,
  ttu: NonNullable<Userset['tupleToUserset']>,
  context: ResolutionContext,
): Promise<CheckResult> {
  const { object } = request;
  const tupleset = ttu.tupleset.relation;
  const computed = ttu.computedUserset.relation;
  const node = `${object}#${tupleset}`;
  const tuples = (await context.reader.readByObject(object, tupleset)).filter((t) => context.typesystem.isValidTuple(t));
  const branches: Array<() => Promise<CheckResult>> = [];
  for (const tuple of tuples) {
    const parent = parseUser(tuple.user);
    if (!parent || parent.relation || parent.wildcard) continue;
    // The computed relation may exist on only some of the tupleset's types.
    if (!context.typesystem.relation(parent.type, computed)) continue;
    branches.push(async () => {
      if (!conditionMet(tuple, context))
        return {
          allowed: false,
          explanation: context.explain
            ? { node, rule: 'tuple_to_userset', allowed: false, tuple, condition: conditionNote(tuple, false) }
            : undefined,
        };
      const result = await dispatchSub(request, tuple.user, computed, context);
      return withExplanation(context, { ...result, children: [result] }, node, 'tuple_to_userset', {
        tuple,
        condition: conditionNote(tuple, true),
      });
    });
  }
  const result = await union(branches);
  return withExplanation(context, result, `${object}#${computed} from ${tupleset}`, 'union');
}
