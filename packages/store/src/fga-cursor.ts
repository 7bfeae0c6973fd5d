/** Opaque page cursors: base64url JSON, so callers cannot depend on their contents. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor; throws `InvalidCursorError` when it is not one of ours. */
export function decodeCursor<T>(cursor: string, valid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!valid(value)) throw new InvalidCursorError();
  return value;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('invalid continuation token');
    this.name = 'InvalidCursorError';
  }
}

export const isStringArray =
  (length: number) =>
  (value: unknown): value is string[] =>
    Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string');
