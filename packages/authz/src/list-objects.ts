import type { CheckResult } from './check/types.ts';
import { FgaError } from './errors.ts';

export interface ListObjectsPage {
  /** `type:id`, ascending by id. */
  objects: string[];
  /** Set when the page stopped early (page full or time budget spent): pass it back to continue. */
  continuation_token?: string;
}

/** Checks in flight at once while confirming candidates. */
const concurrency = 16;

export const encodeListToken = (after: string): string => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');

export function decodeListToken(token: string): string {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value.after === 'string') return value.after;
  } catch {}
  throw new FgaError('invalid_continuation_token', 'Invalid continuation token');
}

/** Runs the reverse expansion, reporting each object (certain, or a candidate to confirm). */
export type Expansion = (onObject: (object: string, certain: boolean) => void) => Promise<void>;

/** Confirms a candidate object with a check of the asked relation. */
export type Confirm = (object: string) => Promise<CheckResult>;

const idOf = (object: string): string => object.slice(object.indexOf(':') + 1);

/**
 * One page of ListObjects: every object the expansion reaches, ascending by id, after `after`;
 * candidates are confirmed by a check. Ordering makes the answer resumable, so a bounded page is
 * never silently cut: it comes back with a continuation token instead.
 */
export async function listObjectsPage(input: {
  expand: Expansion;
  confirm: Confirm;
  maxResults: number;
  after?: string;
  /** Epoch ms after which confirming stops and the page returns what it has, with a token. */
  deadline?: number;
  now?: () => number;
}): Promise<ListObjectsPage> {
  const now = input.now ?? Date.now;
  const found = new Map<string, boolean>();
  await input.expand((object, certain) => {
    if (certain || !found.has(object)) found.set(object, certain);
  });
  const after = input.after;
  const entries = [...found]
    .map(([object, certain]) => ({ object, id: idOf(object), certain }))
    .filter((e) => after === undefined || e.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const objects: string[] = [];
  for (let i = 0; i < entries.length; ) {
    // A run of entries holding at most `concurrency` candidates: certain ones need no check.
    let end = i;
    for (let checks = 0; end < entries.length && checks < concurrency && end - i < 1024; end++) if (!entries[end]?.certain) checks++;
    const batch = entries.slice(i, end);
    const allowed = await Promise.all(batch.map((e) => (e.certain ? true : input.confirm(e.object).then((r) => r.allowed))));
    for (const [j, entry] of batch.entries()) {
      if (!allowed[j]) continue;
      objects.push(entry.object);
      if (objects.length >= input.maxResults) {
        const more = i + j + 1 < entries.length;
        return more ? { objects, continuation_token: encodeListToken(entry.id) } : { objects };
      }
    }
    i = end;
    if (input.deadline !== undefined && i < entries.length && now() > input.deadline)
      return { objects, continuation_token: encodeListToken((batch[batch.length - 1] as { id: string }).id) };
  }
  return { objects };
}

/**
 * Streamed ListObjects: each object once, as soon as it is known. Certain objects go out while
 * the expansion runs; candidates once the expansion is done and their check grants.
 */
export async function streamObjects(input: { expand: Expansion; confirm: Confirm; onObject: (object: string) => void }): Promise<void> {
  const emitted = new Set<string>();
  const candidates = new Set<string>();
  await input.expand((object, certain) => {
    if (emitted.has(object)) return;
    if (!certain) {
      candidates.add(object);
      return;
    }
    emitted.add(object);
    candidates.delete(object);
    input.onObject(object);
  });
  const pending = [...candidates];
  for (let i = 0; i < pending.length; i += concurrency) {
    const batch = pending.slice(i, i + concurrency);
    const results = await Promise.all(batch.map((object) => input.confirm(object)));
    for (const [j, object] of batch.entries()) if (results[j]?.allowed) input.onObject(object);
  }
}
