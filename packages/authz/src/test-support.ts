import type { Explanation } from './check/types.ts';

/** The tuples along the granting branches of an explanation, as `object#relation@user`, in walk order (tests). */
export function grantingTuples(explanation: Explanation | undefined): string[] {
  const followed: string[] = [];
  const walk = (node: Explanation | undefined) => {
    if (!node) return;
    if (node.tuple && node.allowed) followed.push(`${node.tuple.object}#${node.tuple.relation}@${node.tuple.user}`);
    for (const child of node.children ?? []) walk(child);
  };
  walk(explanation);
  return followed;
}
