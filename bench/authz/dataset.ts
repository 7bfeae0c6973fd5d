/**
 * The benchmark's store: a document-sharing model and 1,000,000 generated tuples (deterministic),
 * the check cases drawn from them, and the same data as casbin rules.
 *
 *   group:g*        5,000 groups of 20 members
 *   folder:l1-*       200 top folders, each with 10 user and 2 group viewers
 *   folder:l2-*     2,000 folders under them, folder:l3-* 20,000 under those
 *   document:d*   100,000 documents, each in an l3 folder, with an owner, an editor group and
 *                 direct viewers (as many as it takes to reach the total)
 *   group:everyone  one member (user:wide), viewer of every top folder: sees all 100,000 documents
 */
import type { TupleKey } from '@portcullis/authz';

export const model = `model
  schema 1.1
type user
type group
  relations
    define member: [user, group#member]
type folder
  relations
    define parent: [folder]
    define viewer: [user, group#member] or viewer from parent
type document
  relations
    define parent: [folder]
    define owner: [user]
    define editor: [user, group#member]
    define viewer: [user, group#member] or owner or editor or viewer from parent
`;

export const sizes = {
  tuples: 1_000_000,
  users: 50_000,
  groups: 5_000,
  membersPerGroup: 20,
  l1: 200,
  l2: 2_000,
  l3: 20_000,
  documents: 100_000,
};

export type CaseName = 'direct' | 'userset' | 'ttu3';

/** A check that the data grants, by way of the case's path. */
export interface CheckCase {
  object: string;
  relation: string;
  user: string;
}

/** A small deterministic PRNG (mulberry32), so every run and every database holds the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Dataset {
  /** Yields the tuples in batches (generated lazily: 1M tuple objects at once would cost ~300 MB). */
  batches(size: number): Generator<TupleKey[]>;
  cases: Record<CaseName, CheckCase[]>;
  /** A user reaching a few hundred documents, and one reaching every document. */
  listUsers: { typical: string; wide: string };
}

/** Builds the dataset description; tuples are produced on demand, identically every time. */
export function dataset(casesPerKind = 20_000): Dataset {
  const pick = (rand: () => number, n: number) => Math.floor(rand() * n);
  const l3Of = (doc: number) => Math.floor(doc / (sizes.documents / sizes.l3));
  const l2Of = (l3: number) => Math.floor(l3 / (sizes.l3 / sizes.l2));
  const l1Of = (l2: number) => Math.floor(l2 / (sizes.l2 / sizes.l1));
  const memberOf = (group: number, k: number) => (group * 7919 + k * 104_729) % sizes.users;
  const ownerOf = (doc: number) => (doc * 31) % sizes.users;
  const editorGroupOf = (doc: number) => (doc * 17) % sizes.groups;
  const l1ViewerOf = (l1: number, k: number) => (l1 * 9973 + k * 50_021 + 13) % sizes.users;

  function* tuples(): Generator<TupleKey> {
    const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });
    let count = 0;
    for (let g = 0; g < sizes.groups; g++)
      for (let k = 0; k < sizes.membersPerGroup; k++, count++) yield t(`group:g${g}`, 'member', `user:u${memberOf(g, k)}`);
    for (let f = 0; f < sizes.l2; f++, count++) yield t(`folder:l2-${f}`, 'parent', `folder:l1-${l1Of(f)}`);
    for (let f = 0; f < sizes.l3; f++, count++) yield t(`folder:l3-${f}`, 'parent', `folder:l2-${l2Of(f)}`);
    for (let f = 0; f < sizes.l1; f++) {
      for (let k = 0; k < 10; k++, count++) yield t(`folder:l1-${f}`, 'viewer', `user:u${l1ViewerOf(f, k)}`);
      for (let k = 0; k < 2; k++, count++) yield t(`folder:l1-${f}`, 'viewer', `group:g${(f * 13 + k) % sizes.groups}#member`);
      count++;
      yield t(`folder:l1-${f}`, 'viewer', 'group:everyone#member');
    }
    count++;
    yield t('group:everyone', 'member', 'user:wide');
    for (let d = 0; d < sizes.documents; d++) {
      yield t(`document:d${d}`, 'parent', `folder:l3-${l3Of(d)}`);
      yield t(`document:d${d}`, 'owner', `user:u${ownerOf(d)}`);
      yield t(`document:d${d}`, 'editor', `group:g${editorGroupOf(d)}#member`);
      count += 3;
    }
    // Direct viewers fill up to the total, spread over the documents.
    const rand = random(7);
    const left = sizes.tuples - count;
    const seen = new Set<string>();
    for (let i = 0; i < left; ) {
      const doc = i % sizes.documents;
      const user = pick(rand, sizes.users);
      const key = `${doc}:${user}`;
      if (seen.has(key)) continue;
      seen.add(key);
      i++;
      yield t(`document:d${doc}`, 'viewer', `user:u${user}`);
    }
  }

  const rand = random(42);
  const cases: Record<CaseName, CheckCase[]> = { direct: [], userset: [], ttu3: [] };
  for (let i = 0; i < casesPerKind; i++) {
    const doc = pick(rand, sizes.documents);
    cases.direct.push({ object: `document:d${doc}`, relation: 'owner', user: `user:u${ownerOf(doc)}` });
    const editor = pick(rand, sizes.documents);
    cases.userset.push({
      object: `document:d${editor}`,
      relation: 'editor',
      user: `user:u${memberOf(editorGroupOf(editor), pick(rand, sizes.membersPerGroup))}`,
    });
    const viewed = pick(rand, sizes.documents);
    const l1 = l1Of(l2Of(l3Of(viewed)));
    cases.ttu3.push({ object: `document:d${viewed}`, relation: 'viewer', user: `user:u${l1ViewerOf(l1, pick(rand, 10))}` });
  }

  return {
    *batches(size) {
      let batch: TupleKey[] = [];
      for (const tuple of tuples()) {
        batch.push(tuple);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    cases,
    listUsers: { typical: `user:u${l1ViewerOf(3, 0)}`, wide: 'user:wide' },
  };
}

/**
 * The same data as casbin rules (RBAC with resource roles): usersets are roles (`g`), folder
 * nesting and document parents are resource roles (`g2`), every other tuple is a policy line.
 */
export const casbinModel = `[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && g2(r.obj, p.obj) && r.act == p.act
`;

export function casbinRule(tuple: TupleKey): { kind: 'p' | 'g' | 'g2'; rule: string[] } {
  const subject = tuple.user.endsWith('#member') ? tuple.user.slice(0, -'#member'.length) : tuple.user;
  if (tuple.relation === 'member') return { kind: 'g', rule: [tuple.user, tuple.object] };
  if (tuple.relation === 'parent') return { kind: 'g2', rule: [tuple.object, tuple.user] };
  return { kind: 'p', rule: [subject, tuple.object, tuple.relation] };
}
