import { FgaError } from './errors.ts';

/** A relationship tuple as OpenFGA's API spells it. */
export interface TupleKey {
  object: string;
  relation: string;
  user: string;
  condition?: RelationshipCondition;
}

export interface RelationshipCondition {
  name: string;
  context?: Record<string, unknown>;
}

/** A parsed user: an object (`user:anne`), a wildcard (`user:*`) or a userset (`group:eng#member`). */
export interface ParsedUser {
  type: string;
  id: string;
  /** Set for a userset; empty otherwise. */
  relation: string;
  wildcard: boolean;
}

// Object ids: letters, digits and `_ | * @ . + / -`, not starting with `*` (openfga/language's shared rule).
const objectIdPattern = /^[\p{L}\p{N}_|@.+/-][\p{L}\p{N}_|*@.+/-]*$/u;
const typePattern = /^[^:#@\s*]{1,254}$/;
const relationPattern = /^[^:#@\s*]{1,50}$/;

export const isValidObjectId = (id: string): boolean => id.length <= 256 && objectIdPattern.test(id);
export const isValidTypeName = (type: string): boolean => typePattern.test(type);
export const isValidRelationName = (relation: string): boolean => relationPattern.test(relation);

/** Splits `type:id`; undefined when malformed. */
export function parseObject(object: string): { type: string; id: string } | undefined {
  const colon = object.indexOf(':');
  if (colon <= 0) return undefined;
  const type = object.slice(0, colon);
  const id = object.slice(colon + 1);
  if (!isValidTypeName(type) || !isValidObjectId(id)) return undefined;
  return { type, id };
}

/** Parses a user string; undefined when malformed. */
export function parseUser(user: string): ParsedUser | undefined {
  const hash = user.indexOf('#');
  const objectPart = hash === -1 ? user : user.slice(0, hash);
  const relation = hash === -1 ? '' : user.slice(hash + 1);
  if (hash !== -1 && !isValidRelationName(relation)) return undefined;
  const colon = objectPart.indexOf(':');
  if (colon <= 0) return undefined;
  const type = objectPart.slice(0, colon);
  const id = objectPart.slice(colon + 1);
  if (!isValidTypeName(type)) return undefined;
  if (id === '*') return relation ? undefined : { type, id, relation: '', wildcard: true };
  if (!isValidObjectId(id)) return undefined;
  return { type, id, relation, wildcard: false };
}

export const formatUser = (u: { type: string; id: string; relation?: string }): string =>
  u.relation ? `${u.type}:${u.id}#${u.relation}` : `${u.type}:${u.id}`;

/** `object#relation@user`, the key OpenFGA prints for a tuple. */
export const tupleKeyString = (t: { object: string; relation: string; user: string }): string => `${t.object}#${t.relation}@${t.user}`;

/** Checks the shape of a tuple key (not its fit with a model). */
export function assertTupleFormat(tuple: TupleKey, code: 'validation_error' | 'invalid_tuple' = 'invalid_tuple'): void {
  const where = `tuple '${tupleKeyString(tuple)}'`;
  if (!tuple.object || !parseObject(tuple.object)) throw new FgaError(code, `invalid 'object' field format in ${where}`);
  if (!tuple.relation || !isValidRelationName(tuple.relation)) throw new FgaError(code, `invalid 'relation' field format in ${where}`);
  if (!tuple.user || !parseUser(tuple.user)) throw new FgaError(code, `invalid 'user' field format in ${where}`);
}
