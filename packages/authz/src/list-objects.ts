import type { CheckResult } from './check/types.ts';
import { FgaError } from './errors.ts';
import type { TupleReader } from './tuple-reader.ts';

export interface ListObjectsPage {
  /** `type:id`, ascending by id. */
  objects: string[];
  /** Set when the scan stopped early (page full or deadline): pass it back to continue. */
  continuation_token?: string;
}

const pageSize = 200;
const concurrency = 16;

export const encodeListToken = (after: string): string => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');

export function decodeListToken(token: string): string {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value.after === 'string') return value.after;
  } catch {}
  throw new FgaError('invalid_continuation_token', 'Invalid continuation token');
}

/**
 * ListObjects: walks the ids of `type` that appear in tuples, in order, and keeps those the check
 * grants. Ordered scanning makes the answer resumable, so a bounded page is never silently cut:
 * it comes back with a continuation token instead.
 */
export async function listObjects(input: {
  reader: TupleReader;
  type: string;
  /** The user's own object, when it has the requested type (a userset is a member of itself). */
  extraId?: string;
  check: (object: string) => Promise<CheckResult>;
  maxResults: number;
  after?: string;
  /** Epoch ms after which the scan stops and returns what it has, with a token. */
  deadline?: number;
  now?: () => number;
  onObject?: (object: string) => void;
}): Promise<ListObjectsPage> {
  const now = input.now ?? Date.now;
  const objects: string[] = [];
  let after = input.after;
  let extra = input.extraId !== undefined && (after === undefined || input.extraId > after) ? input.extraId : undefined;
  for (;;) {
    const ids = await input.reader.objectIds(input.type, after, pageSize);
    const exhausted = ids.length < pageSize;
    if (extra !== undefined && (exhausted || extra <= (ids[ids.length - 1] as string))) {
      if (!ids.includes(extra)) ids.push(extra);
      ids.sort();
      extra = undefined;
    }
    for (let i = 0; i < ids.length; i += concurrency) {
      const batch = ids.slice(i, i + concurrency);
      const results = await Promise.all(batch.map((id) => input.check(`${input.type}:${id}`)));
      for (const [j, id] of batch.entries()) {
        if (!results[j]?.allowed) continue;
        const object = `${input.type}:${id}`;
        objects.push(object);
        input.onObject?.(object);
        if (objects.length >= input.maxResults) {
          const more = !exhausted || j < batch.length - 1 || i + concurrency < ids.length;
          return more ? { objects, continuation_token: encodeListToken(id) } : { objects };
        }
      }
      const last = batch[batch.length - 1] as string;
      if (input.deadline !== undefined && now() > input.deadline && (!exhausted || i + concurrency < ids.length))
        return { objects, continuation_token: encodeListToken(last) };
    }
    if (exhausted) return { objects };
    after = ids[ids.length - 1];
  }
}
