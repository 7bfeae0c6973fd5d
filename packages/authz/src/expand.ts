import type { Userset } from './model/types.ts';
import type { TypeSystem } from './model/typesystem.ts';
import { parseUser } from './tuple-key.ts';
import type { TupleReader } from './tuple-reader.ts';

/** OpenFGA's `UsersetTree` node: one level of a relation's rewrite, with the users it names. */
export interface UsersetTreeNode {
  name: string;
  leaf?: {
    users?: { users: string[] };
    computed?: { userset: string };
    tupleToUserset?: { tupleset: string; computed: Array<{ userset: string }> };
  };
  union?: { nodes: UsersetTreeNode[] };
  intersection?: { nodes: UsersetTreeNode[] };
  difference?: { base: UsersetTreeNode; subtract: UsersetTreeNode };
}

/**
 * Expand: the relation's rewrite for one object, one level deep, as OpenFGA returns it. Usersets
 * are named, not followed; a client expands them with further calls.
 */
export async function expand(input: {
  typesystem: TypeSystem;
  reader: TupleReader;
  object: string;
  relation: string;
}): Promise<UsersetTreeNode> {
  const { typesystem, reader, object, relation } = input;
  const type = object.slice(0, object.indexOf(':'));
  const definition = typesystem.relation(type, relation);
  const name = `${object}#${relation}`;
  if (!definition) return { name, leaf: { users: { users: [] } } };

  async function node(rewrite: Userset): Promise<UsersetTreeNode> {
    if (rewrite.this) {
      const tuples = (await reader.readByObject(object, relation)).filter((t) => typesystem.isValidTuple(t));
      return { name, leaf: { users: { users: [...new Set(tuples.map((t) => t.user))] } } };
    }
    if (rewrite.computedUserset) return { name, leaf: { computed: { userset: `${object}#${rewrite.computedUserset.relation}` } } };
    if (rewrite.tupleToUserset) {
      const { tupleset, computedUserset } = rewrite.tupleToUserset;
      const tuples = (await reader.readByObject(object, tupleset.relation)).filter((t) => typesystem.isValidTuple(t));
      const computed = tuples
        .map((t) => parseUser(t.user))
        .filter((u) => u && !u.relation && !u.wildcard && typesystem.relation(u.type, computedUserset.relation))
        .map((u) => ({ userset: `${u?.type}:${u?.id}#${computedUserset.relation}` }));
      return { name, leaf: { tupleToUserset: { tupleset: `${object}#${tupleset.relation}`, computed } } };
    }
    if (rewrite.union) return { name, union: { nodes: await Promise.all(rewrite.union.child.map(node)) } };
    if (rewrite.intersection) return { name, intersection: { nodes: await Promise.all(rewrite.intersection.child.map(node)) } };
    if (rewrite.difference)
      return {
        name,
        difference: { base: await node(rewrite.difference.base), subtract: await node(rewrite.difference.subtract) },
      };
    return { name, leaf: { users: { users: [] } } };
  }
  return node(definition.rewrite);
}
