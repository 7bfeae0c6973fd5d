import { maxResolutionDepth } from '../check/types.ts';
import { FgaError } from '../errors.ts';
import type { TypeSystem } from '../model/typesystem.ts';
import { parseUser, type TupleKey } from '../tuple-key.ts';
import type { TupleReader } from '../tuple-reader.ts';
import { type ReverseEdge, reverseGraph } from './reverse-graph.ts';

export interface ReverseExpandInput {
  typesystem: TypeSystem;
  reader: TupleReader;
  /** The type and relation asked for. */
  type: string;
  relation: string;
  /** `type:id`, `type:*` or `type:id#relation` (already validated against the model). */
  user: string;
  /** The request's condition context. */
  context: Record<string, unknown> | undefined;
  /**
   * Receives each object of `type` reached: `certain` when every step was a union, a direct
   * tuple, a computed userset or a tuple-to-userset; otherwise (an intersection or an exclusion
   * on the way) a candidate the caller confirms with a check. An object may be reported twice:
   * first as a candidate, then as certain.
   */
  onObject: (object: string, certain: boolean) => void;
}

/** Batches read at once. */
const concurrency = 4;
/** Objects whose edges are read together, in one query per edge. */
const batchSize = 256;

/** Nodes reached by one relation, at one depth, with one certainty, whose edges are read together. */
interface Batch {
  certain: boolean;
  /** Check's dispatches between these nodes and the user: a tuple naming the user directly is depth 0. */
  depth: number;
  type: string;
  relation: string;
  ids: string[];
}

/**
 * Reverse expansion (OpenFGA's ListObjects strategy): starts from the user and walks the model
 * backwards (tuples naming the user, its usersets and its type's wildcard, through the
 * user → objects index; computed usersets; tuple-to-usersets through their tupleset relation)
 * until objects of the asked type appear. Work is proportional to what the user can reach, not
 * to the number of objects of the type; only model paths that can lead to the target are read,
 * and the objects reached by one relation are read together, a batch per query.
 *
 * Tuples are filtered as Check filters them: they must fit the current model and their
 * condition must hold (a condition missing its parameters is an error). Going deeper than Check
 * may is an error too, rather than listing objects a check could not confirm.
 */
export async function reverseExpand(input: ReverseExpandInput): Promise<void> {
  const { typesystem, reader } = input;
  const graph = reverseGraph(typesystem);
  const relevant = graph.relevant(`${input.type}#${input.relation}`);
  const user = parseUser(input.user);
  if (!user) return;

  const relevantEdges = new Map<string, readonly ReverseEdge[]>();
  const edgesOf = (source: string): readonly ReverseEdge[] => {
    let edges = relevantEdges.get(source);
    if (!edges) {
      edges = graph.edges(source).filter((e) => relevant.has(`${e.type}#${e.relation}`));
      relevantEdges.set(source, edges);
    }
    return edges;
  };

  // `type:id#relation` → whether it is certain; a candidate node is revisited if it becomes certain.
  const reached = new Map<string, boolean>();
  // Nodes whose edges are still to be read, by `certain|depth|type#relation`: a batch shares all three.
  const pending = new Map<string, Batch>();

  function reach(type: string, id: string, relation: string, certain: boolean, depth: number): void {
    const key = `${type}:${id}#${relation}`;
    const known = reached.get(key);
    if (known === true || (known === false && !certain)) return;
    if (depth > maxResolutionDepth)
      throw new FgaError(
        'authorization_model_resolution_too_complex',
        'Authorization Model resolution required too many rewrite rules to be resolved. Check your authorization model for infinite recursion or too much nesting',
      );
    reached.set(key, certain);
    if (type === input.type && relation === input.relation) input.onObject(`${type}:${id}`, certain);
    if (edgesOf(`${type}#${relation}`).length === 0) return;
    const group = `${certain}|${depth}|${type}#${relation}`;
    const list = pending.get(group) ?? { type, relation, certain, depth, ids: [] };
    list.ids.push(id);
    pending.set(group, list);
  }

  /** Tuples of `type#relation` naming one of `users`, kept when they fit the model and their condition holds. */
  async function usable(users: string[], type: string, relation: string): Promise<TupleKey[]> {
    const tuples = await reader.readByUsers(users, type, relation);
    return tuples.filter((tuple) => {
      if (!typesystem.isValidTuple(tuple)) return false;
      const condition = tuple.condition?.name;
      return !condition || typesystem.condition(condition).evaluate(tuple.condition?.context, input.context);
    });
  }

  /** Follows the edges leaving `type#relation` for a batch of objects reached by it. */
  async function follow({ type, relation, certain, depth }: Batch, ids: string[]): Promise<void> {
    const reads: Array<Promise<void>> = [];
    for (const edge of edgesOf(`${type}#${relation}`)) {
      const next = certain && !edge.candidate;
      if (edge.kind === 'computed') {
        for (const id of ids) reach(type, id, edge.relation, next, depth + 1);
        continue;
      }
      // A direct edge reads tuples naming the userset; a TTU edge tuples naming the object.
      const direct = edge.kind === 'direct';
      const users = ids.map((id) => (direct ? `${type}:${id}#${relation}` : `${type}:${id}`));
      const read = edge.kind === 'ttu' ? (edge.tupleset as string) : edge.relation;
      reads.push(
        usable(users, edge.type, read).then((tuples) => {
          for (const tuple of tuples) reach(edge.type, tuple.object.slice(edge.type.length + 1), edge.relation, next, depth + 1);
        }),
      );
    }
    await Promise.all(reads);
  }

  /** The first step from a plain user or a wildcard: tuples naming it directly. */
  async function start(source: string, tupleUser: string): Promise<void> {
    await Promise.all(
      edgesOf(source).map(async (edge) => {
        for (const tuple of await usable([tupleUser], edge.type, edge.relation))
          reach(edge.type, tuple.object.slice(edge.type.length + 1), edge.relation, !edge.candidate, 0);
      }),
    );
  }

  // A userset is a member of itself; a plain user starts from its tuples and its type's wildcard.
  if (user.relation) reach(user.type, user.id, user.relation, true, 0);
  else if (user.wildcard) await start(`${user.type}:*`, input.user);
  else await Promise.all([start(user.type, input.user), start(`${user.type}:*`, `${user.type}:*`)]);

  const running = new Set<Promise<void>>();
  for (;;) {
    while (running.size < concurrency && pending.size > 0) {
      const [group, list] = pending.entries().next().value as [string, Batch];
      const ids = list.ids.splice(0, batchSize);
      if (list.ids.length === 0) pending.delete(group);
      // A candidate that has since become certain is followed in the certain batch instead.
      const current = list.certain ? ids : ids.filter((id) => !reached.get(`${list.type}:${id}#${list.relation}`));
      if (current.length === 0) continue;
      const task: Promise<void> = follow(list, current).finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size === 0) return;
    await Promise.race(running);
  }
}
