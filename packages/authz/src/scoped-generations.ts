/** One key's value under one scope; the key's value under another scope chains behind it. */
interface Entry<V> {
  scope: string;
  value: V;
  expires: number;
  next: Entry<V> | undefined;
}

/**
 * Values by key and scope (store, revision, …) in two generations, for the check engine's
 * caches: new entries go to the young map; once it holds its budget of weight it becomes the old
 * one and the previous old one is dropped. (Evicting one entry at a time from a Map's front
 * instead leaves deleted slots that every later eviction walks past.) Keys are plain strings
 * with the scope compared in the entry: hashing the scope into every key cost more than the
 * lookup itself. A key keeps at most two scopes: older revisions go as newer ones come.
 */
export class ScopedGenerations<V> {
  readonly #budget: number;
  #young = new Map<string, Entry<V>>();
  #old = new Map<string, Entry<V>>();
  #weight = 0;

  /** `budget`: the weight one generation holds (the whole keeps about twice that). */
  constructor(budget: number) {
    this.#budget = Math.max(1, budget);
  }

  /**
   * The live value of `key` under `scope`: the young generation's, or the old one's when the
   * young has none or `usable` turns it down (a key's parts may be split between generations).
   */
  get(key: string, scope: string, at: number, usable?: (value: V) => boolean): V | undefined {
    const recent = find(this.#young, key, scope);
    if (recent && recent.expires > at && (!usable || usable(recent.value))) return recent.value;
    const older = find(this.#old, key, scope);
    return older && older.expires > at ? older.value : undefined;
  }

  /** The young generation's live value of `key` under `scope`, to add to. */
  current(key: string, scope: string, at: number): V | undefined {
    const entry = find(this.#young, key, scope);
    return entry && entry.expires > at ? entry.value : undefined;
  }

  /** Puts `value` into the young generation until `expires`, turning generations first when full. */
  put(key: string, scope: string, value: V, expires: number, weight: number): void {
    if (this.#weight >= this.#budget) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#weight = 0;
    }
    const other = this.#young.get(key);
    const next = other && other.scope !== scope ? other : undefined;
    if (next) next.next = undefined;
    this.#young.set(key, { scope, value, expires, next });
    this.#weight += weight;
  }

  /** Counts `weight` more against the young generation (a value added to in place). */
  weigh(weight: number): void {
    this.#weight += weight;
  }
}

function find<V>(generation: Map<string, Entry<V>>, key: string, scope: string): Entry<V> | undefined {
  for (let entry = generation.get(key); entry; entry = entry.next) if (entry.scope === scope) return entry;
  return undefined;
}
