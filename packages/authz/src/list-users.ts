import { maxResolutionDepth } from './check/types.ts';
import { FgaError } from './errors.ts';
import type { Userset } from './model/types.ts';
import type { TypeSystem } from './model/typesystem.ts';
import { parseUser, type TupleKey } from './tuple-key.ts';
import type { TupleReader } from './tuple-reader.ts';

/** A ListUsers filter: users of `type`, or usersets `type#relation`. */
export interface UserFilter {
  type: string;
  relation?: string;
}

export interface ListUsersInput {
  typesystem: TypeSystem;
  reader: TupleReader;
  object: { type: string; id: string };
  relation: string;
  filter: UserFilter;
  context?: Record<string, unknown>;
  /** Stops with `complete: false` after this many users. */
  maxResults?: number;
}

export interface ListUsersResult {
  /** `type:id`, `type:*` or `type:id#relation`, sorted. */
  users: string[];
  /** False when `maxResults` cut the answer short. */
  complete: boolean;
}

interface Found {
  user: string;
  /** Explicitly "not related" users bubble up from exclusions (OpenFGA's relationship status). */
  related: boolean;
  excluded: string[];
}

interface ExpandRequest {
  object: string;
  relation: string;
  depth: number;
  visited: ReadonlySet<string>;
}

interface Expansion {
  found: Found[];
  cycle: boolean;
}

/**
 * ListUsers: expands the relation from the object downwards, keeping the users that match the
 * filter. Set operators follow OpenFGA: intersections count wildcards as every user of their
 * type, exclusions subtract found users and wildcards, a cycle under a subtraction drops it.
 */
export async function listUsers(input: ListUsersInput): Promise<ListUsersResult> {
  const { typesystem, reader, filter } = input;
  const filterRelation = filter.relation ?? '';
  const wildcardKey = `${filter.type}:*`;
  const object = `${input.object.type}:${input.object.id}`;
  const sameNode = input.object.type === filter.type && input.relation === filterRelation;
  if (!sameNode && !canReach(typesystem, input.object.type, input.relation, filter, new Set())) return { users: [], complete: true };

  const conditionMet = (tuple: TupleKey): boolean =>
    !tuple.condition?.name || typesystem.condition(tuple.condition.name).evaluate(tuple.condition.context, input.context);

  const validTuples = async (obj: string, relation: string): Promise<TupleKey[]> =>
    (await reader.readByObject(obj, relation)).filter((t) => typesystem.isValidTuple(t));

  async function expand(request: ExpandRequest): Promise<Expansion> {
    if (request.depth >= maxResolutionDepth)
      throw new FgaError(
        'authorization_model_resolution_too_complex',
        'Authorization Model resolution required too many rewrite rules to be resolved. Check your authorization model for infinite recursion or too much nesting',
      );
    const key = `${request.object}#${request.relation}`;
    if (request.visited.has(key)) return { found: [], cycle: true };
    const visited = new Set(request.visited).add(key);
    const next: ExpandRequest = { ...request, depth: request.depth + 1, visited };
    const found: Found[] = [];
    const [type, id] = splitObject(request.object);
    if (type === filter.type && request.relation === filterRelation)
      found.push({ user: `${type}:${id}#${request.relation}`, related: true, excluded: [] });
    const definition = typesystem.relation(type, request.relation);
    if (!definition) return { found, cycle: false };
    const result = await expandRewrite(next, definition.rewrite);
    return { found: [...found, ...result.found], cycle: result.cycle };
  }

  async function expandRewrite(request: ExpandRequest, rewrite: Userset): Promise<Expansion> {
    if (rewrite.this) return expandDirect(request);
    if (rewrite.computedUserset) return expand({ ...request, relation: rewrite.computedUserset.relation });
    if (rewrite.tupleToUserset) return expandTupleToUserset(request, rewrite.tupleToUserset);
    if (rewrite.union) return expandUnion(request, rewrite.union.child);
    if (rewrite.intersection) return expandIntersection(request, rewrite.intersection.child);
    if (rewrite.difference) return expandExclusion(request, rewrite.difference.base, rewrite.difference.subtract);
    return { found: [], cycle: false };
  }

  async function expandDirect(request: ExpandRequest): Promise<Expansion> {
    const found: Found[] = [];
    let cycle = false;
    const nested: Array<Promise<Expansion>> = [];
    for (const tuple of await validTuples(request.object, request.relation)) {
      if (!conditionMet(tuple)) continue;
      const user = parseUser(tuple.user);
      if (!user) continue;
      if (!user.relation) {
        if (user.type === filter.type) found.push({ user: tuple.user, related: true, excluded: [] });
        continue;
      }
      nested.push(expand({ ...request, object: `${user.type}:${user.id}`, relation: user.relation }));
    }
    for (const expansion of await Promise.all(nested)) {
      found.push(...expansion.found);
      cycle ||= expansion.cycle;
    }
    return { found, cycle };
  }

  async function expandTupleToUserset(request: ExpandRequest, ttu: NonNullable<Userset['tupleToUserset']>): Promise<Expansion> {
    const nested: Array<Promise<Expansion>> = [];
    for (const tuple of await validTuples(request.object, ttu.tupleset.relation)) {
      if (!conditionMet(tuple)) continue;
      const parent = parseUser(tuple.user);
      if (!parent || parent.relation || parent.wildcard) continue;
      nested.push(expand({ ...request, object: tuple.user, relation: ttu.computedUserset.relation }));
    }
    const expansions = await Promise.all(nested);
    return { found: expansions.flatMap((e) => e.found), cycle: false };
  }

  async function expandUnion(request: ExpandRequest, children: Userset[]): Promise<Expansion> {
    const expansions = await Promise.all(children.map((child) => expandRewrite(request, child)));
    const excludedCount = new Map<string, number>();
    const users = new Set<string>();
    for (const expansion of expansions) {
      for (const f of expansion.found) {
        for (const e of f.excluded) excludedCount.set(e, (excludedCount.get(e) ?? 0) + 1);
        if (f.related) users.add(f.user);
      }
    }
    const excluded = [...excludedCount].filter(([, n]) => n === children.length).map(([u]) => u);
    return {
      found: [...users].map((user) => ({ user, related: true, excluded })),
      cycle: false,
    };
  }

  async function expandIntersection(request: ExpandRequest, children: Userset[]): Promise<Expansion> {
    const expansions = await Promise.all(children.map((child) => expandRewrite(request, child)));
    const counts = new Map<string, number>();
    const excluded = new Set<string>();
    let wildcards = 0;
    for (const expansion of expansions) {
      const users = new Set<string>();
      for (const f of expansion.found) {
        for (const e of f.excluded) excluded.add(e);
        if (f.related) users.add(f.user);
      }
      const hasWildcard = users.has(wildcardKey);
      if (hasWildcard) wildcards++;
      // A user beside a wildcard in one operand counts once, through the wildcard.
      for (const user of users) counts.set(user, (counts.get(user) ?? 0) + (hasWildcard ? 0 : 1));
    }
    const found: Found[] = [];
    // A user an operand explicitly excluded (a subtraction under a wildcard) fails the intersection.
    for (const [user, count] of counts)
      if (count + wildcards === children.length && !excluded.has(user)) found.push({ user, related: true, excluded: [...excluded] });
    return { found, cycle: false };
  }

  async function expandExclusion(request: ExpandRequest, base: Userset, subtract: Userset): Promise<Expansion> {
    const [baseExpansion, subtractExpansion] = await Promise.all([expandRewrite(request, base), expandRewrite(request, subtract)]);
    if (subtractExpansion.cycle) return { found: [], cycle: false };
    const baseFound = lastWins(baseExpansion.found);
    const subtractFound = lastWins(subtractExpansion.found);
    const baseWildcard = baseFound.has(wildcardKey);
    const subtractWildcard = subtractFound.has(wildcardKey);
    const found: Found[] = [];
    for (const [user, f] of baseFound) {
      const subtracted = subtractFound.get(user);
      if (baseWildcard) {
        if (!subtracted && !subtractWildcard) found.push({ user, related: true, excluded: [] });
        for (const [subUser, sub] of subtractFound) {
          if (subUser.endsWith(':*')) {
            if (!subtracted) found.push({ user, related: false, excluded: [] });
            continue;
          }
          if (!sub.related) found.push({ user: subUser, related: true, excluded: [] });
          else found.push({ user: subUser, related: false, excluded: [subUser] });
        }
      } else if (subtractWildcard || subtracted) {
        // As OpenFGA: a user under a subtracted wildcard only, with no entry of its own, is dropped.
        if (subtracted) found.push({ user, related: !subtracted.related, excluded: [] });
      } else {
        found.push({ user, related: f.related, excluded: [] });
      }
    }
    return { found, cycle: false };
  }

  const expansion = await expand({ object, relation: input.relation, depth: 0, visited: new Set() });
  const final = lastWins(expansion.found);
  const users = [...final]
    .filter(([, f]) => f.related)
    .map(([user]) => user)
    .sort();
  const max = input.maxResults;
  if (max !== undefined && max > 0 && users.length > max) return { users: users.slice(0, max), complete: false };
  return { users, complete: true };
}

function lastWins(found: Found[]): Map<string, Found> {
  const map = new Map<string, Found>();
  for (const f of found) map.set(f.user, f);
  return map;
}

function splitObject(object: string): [string, string] {
  const colon = object.indexOf(':');
  return [object.slice(0, colon), object.slice(colon + 1)];
}

/** Whether users matching `filter` can reach `type#relation` through the model at all. */
export function canReach(typesystem: TypeSystem, type: string, relation: string, filter: UserFilter, visiting: Set<string>): boolean {
  const key = `${type}#${relation}`;
  if (visiting.has(key)) return false;
  visiting.add(key);
  const definition = typesystem.relation(type, relation);
  if (!definition) return false;
  const reach = (rewrite: Userset): boolean => {
    if (rewrite.this)
      return definition.directTypes.some((ref) => {
        if (filter.relation) {
          if (ref.type === filter.type && ref.relation === filter.relation) return true;
        } else if (ref.type === filter.type && !ref.relation) return true;
        if (ref.relation) {
          if (ref.type === filter.type && ref.relation === (filter.relation ?? '')) return true;
          return canReach(typesystem, ref.type, ref.relation, filter, new Set(visiting));
        }
        return false;
      });
    if (rewrite.computedUserset) {
      const target = rewrite.computedUserset.relation;
      if (type === filter.type && target === filter.relation) return true;
      return canReach(typesystem, type, target, filter, new Set(visiting));
    }
    if (rewrite.tupleToUserset) {
      const tupleset = typesystem.relation(type, rewrite.tupleToUserset.tupleset.relation);
      const computed = rewrite.tupleToUserset.computedUserset.relation;
      return (tupleset?.directTypes ?? []).some(
        (ref) =>
          typesystem.relation(ref.type, computed) !== undefined &&
          ((ref.type === filter.type && computed === filter.relation) ||
            canReach(typesystem, ref.type, computed, filter, new Set(visiting))),
      );
    }
    if (rewrite.union) return rewrite.union.child.some(reach);
    if (rewrite.intersection) return rewrite.intersection.child.every(reach);
    if (rewrite.difference) return reach(rewrite.difference.base);
    return false;
  };
  return reach(definition.rewrite);
}
