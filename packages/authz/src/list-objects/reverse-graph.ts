import type { Userset } from '../model/types.ts';
import type { TypeSystem } from '../model/typesystem.ts';

/**
 * One step backwards through the model: a user in the source set is, through this edge, in
 * `type#relation` of some objects.
 *
 * - `direct`: objects whose `relation` has a tuple naming the source as its user (`this`);
 * - `computed`: the same object's `relation` (a computed userset of the source relation);
 * - `ttu`: objects whose `tupleset` relation names the source object (`relation from tupleset`).
 */
export interface ReverseEdge {
  readonly kind: 'direct' | 'computed' | 'ttu';
  readonly type: string;
  readonly relation: string;
  /** The tupleset relation read on `type` (`ttu` only). */
  readonly tupleset?: string;
  /**
   * Reached under an intersection or an exclusion's base: the other operands are not followed,
   * so an object reached this way is only a candidate, confirmed by a check.
   */
  readonly candidate: boolean;
}

/**
 * The model's relations read backwards, keyed by source: `type#relation` (a userset, or an object
 * already known to hold the relation), `type` (a plain object of that type as a tuple's user) and
 * `type:*` (the type's wildcard as a tuple's user).
 */
export class ReverseGraph {
  readonly #edges = new Map<string, ReverseEdge[]>();
  // Sources from which a target can be reached at all, per target: edges elsewhere are not read.
  readonly #relevant = new Map<string, ReadonlySet<string>>();

  constructor(typesystem: TypeSystem) {
    for (const type of typesystem.types)
      for (const definition of typesystem.relations(type)) {
        const add = (source: string, edge: ReverseEdge) => this.#add(source, edge);
        walk(definition.rewrite, false, (rewrite, candidate) => {
          const target = { type, relation: definition.name, candidate };
          if (rewrite.this)
            for (const ref of definition.directTypes) {
              const source = ref.relation ? `${ref.type}#${ref.relation}` : ref.wildcard ? `${ref.type}:*` : ref.type;
              add(source, { kind: 'direct', ...target });
            }
          if (rewrite.computedUserset) add(`${type}#${rewrite.computedUserset.relation}`, { kind: 'computed', ...target });
          if (rewrite.tupleToUserset) {
            const tupleset = rewrite.tupleToUserset.tupleset.relation;
            const computed = rewrite.tupleToUserset.computedUserset.relation;
            for (const ref of typesystem.relation(type, tupleset)?.directTypes ?? []) {
              // Only plain objects are followed from a tupleset, and only to types having the relation.
              if (ref.relation || ref.wildcard || !typesystem.relation(ref.type, computed)) continue;
              add(`${ref.type}#${computed}`, { kind: 'ttu', tupleset, ...target });
            }
          }
        });
      }
  }

  /** Edges leaving `source`. */
  edges(source: string): readonly ReverseEdge[] {
    return this.#edges.get(source) ?? [];
  }

  /** The `type#relation` sources from which `target` (`type#relation`) is reachable, itself included. */
  relevant(target: string): ReadonlySet<string> {
    let found = this.#relevant.get(target);
    if (found) return found;
    const incoming = new Map<string, string[]>();
    for (const [source, edges] of this.#edges)
      for (const edge of edges) {
        const to = `${edge.type}#${edge.relation}`;
        const list = incoming.get(to) ?? [];
        list.push(source);
        incoming.set(to, list);
      }
    const seen = new Set<string>([target]);
    const stack = [target];
    while (stack.length > 0) {
      for (const source of incoming.get(stack.pop() as string) ?? [])
        if (!seen.has(source)) {
          seen.add(source);
          stack.push(source);
        }
    }
    found = seen;
    this.#relevant.set(target, found);
    return found;
  }

  #add(source: string, edge: ReverseEdge): void {
    const list = this.#edges.get(source) ?? [];
    const same = list.findIndex(
      (e) => e.kind === edge.kind && e.type === edge.type && e.relation === edge.relation && e.tupleset === edge.tupleset,
    );
    // One edge per target: certain if any occurrence is certain.
    if (same === -1) list.push(edge);
    else if (!edge.candidate) list[same] = edge;
    this.#edges.set(source, list);
  }
}

/** Visits each leaf of a rewrite with whether it sits under an intersection or exclusion base; subtractions are skipped. */
function walk(rewrite: Userset, candidate: boolean, visit: (leaf: Userset, candidate: boolean) => void): void {
  if (rewrite.union) for (const child of rewrite.union.child) walk(child, candidate, visit);
  else if (rewrite.intersection) for (const child of rewrite.intersection.child) walk(child, true, visit);
  else if (rewrite.difference) walk(rewrite.difference.base, true, visit);
  else visit(rewrite, candidate);
}

const graphs = new WeakMap<TypeSystem, ReverseGraph>();

/** The model's reverse graph, built once per type system (models are immutable). */
export function reverseGraph(typesystem: TypeSystem): ReverseGraph {
  let graph = graphs.get(typesystem);
  if (!graph) {
    graph = new ReverseGraph(typesystem);
    graphs.set(typesystem, graph);
  }
  return graph;
}
