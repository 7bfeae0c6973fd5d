import type { InteractionRecord, PeopleStores } from '@portcullis/store';

// Bounds the memory an unauthenticated flood of authorization requests can take here; past it
// the oldest entries go and their pages read the store again.
const maxEntries = 5000;

/**
 * Pending authorization requests this process saved or read, by interaction id. A sign-in reads
 * its request on every page (login, its POST, consent, its POST), and a stored request never
 * changes, so a copy here saves a database read each time. It decides nothing on its own: the
 * one step that finishes an interaction deletes it from the store and goes on only if that
 * delete found it (authorization-flow.ts), so a request finished by another process, or twice,
 * gives no second code.
 */
export class PendingRequests {
  readonly #stores: PeopleStores;
  readonly #entries = new Map<string, InteractionRecord>();

  constructor(stores: PeopleStores) {
    this.#stores = stores;
  }

  /** Stores a new pending request (and keeps it here). */
  async save(record: InteractionRecord): Promise<void> {
    await this.#stores.interactions.insert(record);
    this.#remember(record);
  }

  /** The pending request, from here or the store; expiry is the caller's to check. */
  async find(interactionId: string): Promise<InteractionRecord | undefined> {
    const kept = this.#entries.get(interactionId);
    if (kept) return kept;
    const record = await this.#stores.interactions.find(interactionId);
    if (record) this.#remember(record);
    return record;
  }

  /** Removes it from the store; true only for the caller whose delete found it there. */
  finish(interactionId: string): Promise<boolean> {
    this.#entries.delete(interactionId);
    return this.#stores.interactions.delete(interactionId);
  }

  #remember(record: InteractionRecord): void {
    if (this.#entries.size >= maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(record.interaction_id, record);
  }
}

const byStores = new WeakMap<PeopleStores, PendingRequests>();

/** The pending requests of one database (one per store, however many contexts share it). */
export function pendingRequests(stores: PeopleStores): PendingRequests {
  let pending = byStores.get(stores);
  if (!pending) {
    pending = new PendingRequests(stores);
    byStores.set(stores, pending);
  }
  return pending;
}
