import type { FgaStoreRecord, StoredTuple, TupleChange } from '@portcullis/store';
import { FgaError } from '../errors.ts';
import type { TupleKey } from '../tuple-key.ts';

/** JSON shapes of OpenFGA's HTTP API, and the conversions between them and the service's. */

export const iso = (ms: number): string => new Date(ms).toISOString();

export function storeJson(record: FgaStoreRecord) {
  return {
    id: record.id,
    name: record.name,
    created_at: iso(record.created_at),
    updated_at: iso(record.updated_at),
    ...(record.deleted_at !== null ? { deleted_at: iso(record.deleted_at) } : {}),
  };
}

export const tupleJson = (tuple: StoredTuple) => {
  const { timestamp, ...key } = tuple;
  return { key, timestamp: iso(timestamp) };
};

export const changeJson = (change: TupleChange) => ({
  tuple_key: change.tuple_key,
  operation: change.operation === 'write' ? 'TUPLE_OPERATION_WRITE' : 'TUPLE_OPERATION_DELETE',
  timestamp: iso(change.timestamp),
});

/** A ListUsers user: `{object}`, `{userset}` or `{wildcard}`. */
export function userJson(user: string) {
  const [objectPart, relation] = user.split('#') as [string, string | undefined];
  const colon = objectPart.indexOf(':');
  const type = objectPart.slice(0, colon);
  const id = objectPart.slice(colon + 1);
  if (relation) return { userset: { type, id, relation } };
  if (id === '*') return { wildcard: { type } };
  return { object: { type, id } };
}

/** `contextual_tuples: { tuple_keys: [...] }` → a list. */
export function contextualTuples(body: { contextual_tuples?: { tuple_keys?: TupleKey[] } | null }): TupleKey[] {
  const tuples = body.contextual_tuples?.tuple_keys ?? [];
  if (!Array.isArray(tuples)) throw new FgaError('validation_error', 'contextual_tuples.tuple_keys must be a list');
  return tuples;
}

/** OpenFGA pages hold 1 to 100 items; 0 or absent means the default. */
export function pageSize(value: unknown, fallback = 50): number {
  if (value === undefined || value === null || value === '' || value === 0 || value === '0') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new FgaError('validation_error', 'invalid page_size: value must be inside range [1, 100]');
  return n;
}

export function body<T>(value: unknown): T {
  if (value === undefined || value === null) return {} as T;
  if (typeof value !== 'object' || Array.isArray(value)) throw new FgaError('validation_error', 'request body must be a JSON object');
  return value as T;
}
