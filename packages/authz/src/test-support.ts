import type { Explanation } from './check/types.ts';
import { modelFromDsl } from './model/dsl.ts';
import { TypeSystem } from './model/typesystem.ts';
import { type TupleKey, tupleKeyString } from './tuple-key.ts';
import { type MirrorPosition, type MirrorSource, TupleMirror } from './tuple-mirror.ts';
import type { TupleReader } from './tuple-reader.ts';

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

type Change = MirrorPosition & { operation: 'write' | 'delete'; tuple: TupleKey };

/** A store as the database holds it: tuples, a revision per write, a changelog. */
export class FakeStore implements MirrorSource {
  readonly tuples = new Map<string, TupleKey>();
  readonly log: Change[] = [];
  revision = 0;
  scans = 0;
  /** Runs between scan pages (a writer racing the load). */
  duringScan?: (page: number) => void;
  failScan = false;
  failChanges = false;

  write(writes: TupleKey[], deletes: TupleKey[] = []): number {
    this.revision++;
    let seq = 0;
    for (const tuple of deletes)
      if (this.tuples.delete(tupleKeyString(tuple))) this.log.push({ revision: this.revision, seq: seq++, operation: 'delete', tuple });
    for (const tuple of writes) {
      this.tuples.set(tupleKeyString(tuple), tuple);
      this.log.push({ revision: this.revision, seq: seq++, operation: 'write', tuple });
    }
    return this.revision;
  }

  async changelogEnd(): Promise<MirrorPosition | undefined> {
    const last = this.log[this.log.length - 1];
    return last && { revision: last.revision, seq: last.seq };
  }

  async scan(_storeId: string, after: string | undefined, pageSize: number) {
    if (this.failScan) throw new Error('database down');
    const page = Number(after ?? 0);
    this.scans++;
    this.duringScan?.(page);
    const sorted = [...this.tuples.keys()].sort();
    const keys = sorted.slice(page * pageSize, (page + 1) * pageSize);
    const tuples = keys.map((key) => this.tuples.get(key) as TupleKey);
    return { tuples, next: (page + 1) * pageSize < sorted.length ? String(page + 1) : undefined };
  }

  async changes(_storeId: string, after: MirrorPosition | undefined, limit: number) {
    if (this.failChanges) throw new Error('database down');
    const from = after ? this.log.findIndex((c) => c.revision > after.revision || (c.revision === after.revision && c.seq > after.seq)) : 0;
    return from < 0 ? [] : this.log.slice(from, from + limit);
  }
}

/** A database reader that must not be asked for object reads (they come from memory). */
export const database: TupleReader = {
  readByObject: () => {
    throw new Error('object reads come from memory');
  },
  readByUsers: async () => [],
};

/** The mirror's reader of `store` at `revision`, once it has one. */
export async function readerOf(mirror: TupleMirror, store: FakeStore, revision = store.revision): Promise<TupleReader> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const reader = await mirror.readerAt('s', revision, database);
    if (reader) return reader;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the store never came into memory');
}

/** A mirror holding `tuples` (store `s`), and its reader once loaded: a store in memory for tests. */
export async function memoryReader(tuples: readonly TupleKey[]): Promise<TupleReader> {
  const store = new FakeStore();
  store.write([...tuples]);
  return readerOf(new TupleMirror(store, { maxTuples: tuples.length + 1 }), store);
}

/** The check tests' model: documents in nested folders, groups, conditions, exclusion, intersection, cycles. */
export const checkModel = new TypeSystem({
  ...modelFromDsl(`model
  schema 1.1
type user
type group
  relations
    define member: [user, user:*, group#member, user with in_hours]
type folder
  relations
    define parent: [folder, folder with in_hours]
    define blocked: [user]
    define viewer: [user, user:*, user with in_hours, group#member] or viewer from parent
    define reader: viewer but not blocked
    define both: viewer and reader
    define looped: [folder#looped, user] or looped from parent
type document
  relations
    define parent: [folder]
    define owner: [user]
    define editor: [user, group#member]
    define viewer: [user, group#member] or owner or editor or viewer from parent
    define deep: [user, document#deep]
condition in_hours(hour: int) {
  hour >= 9 && hour < 17
}`),
  id: 'm1',
});

/** A tuple key, with its condition when given (tests). */
export const tupleKey = (object: string, relation: string, user: string, condition?: TupleKey['condition']): TupleKey =>
  condition ? { object, relation, user, condition } : { object, relation, user };
const t = tupleKey;

/** The check tests' tuples over `checkModel`: every kind of path, conditions, a cycle, a chain past the depth limit. */
export const checkTuples: TupleKey[] = [
  // A three-level chain, with grants on every level in some way.
  t('document:1', 'parent', 'folder:l3'),
  t('document:1', 'owner', 'user:owner'),
  t('document:1', 'editor', 'group:editors#member'),
  t('group:editors', 'member', 'user:ed'),
  t('folder:l3', 'parent', 'folder:l2'),
  t('folder:l2', 'parent', 'folder:l1'),
  t('folder:l1', 'viewer', 'user:top'),
  // A userset on an intermediate level, through a nested group.
  t('folder:l2', 'viewer', 'group:outer#member'),
  t('group:outer', 'member', 'group:inner#member'),
  t('group:inner', 'member', 'user:nested'),
  // A conditioned direct tuple and a conditioned parent link.
  t('folder:l3', 'viewer', 'user:daytime', { name: 'in_hours', context: {} }),
  t('document:2', 'parent', 'folder:c1'),
  t('folder:c1', 'parent', 'folder:c2', { name: 'in_hours', context: {} }),
  t('folder:c2', 'viewer', 'user:beyond'),
  // A wildcard on the top of another chain.
  t('document:3', 'parent', 'folder:w2'),
  t('folder:w2', 'parent', 'folder:w1'),
  t('folder:w1', 'viewer', 'user:*'),
  // A cycle in the parent links.
  t('document:4', 'parent', 'folder:y1'),
  t('folder:y1', 'parent', 'folder:y2'),
  t('folder:y2', 'parent', 'folder:y1'),
  t('folder:y2', 'viewer', 'user:cyclic'),
  // Exclusion and intersection.
  t('folder:l1', 'blocked', 'user:top'),
  t('folder:l2', 'blocked', 'user:nested'),
  // A userset chain deeper than the resolution limit.
  ...Array.from({ length: 30 }, (_, i) => t(`document:d${i}`, 'deep', `document:d${i + 1}#deep`)),
  t('document:d30', 'deep', 'user:deep'),
];
