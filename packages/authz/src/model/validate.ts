import { compileCondition } from '../conditions.ts';
import { FgaError } from '../errors.ts';
import { isValidRelationName, isValidTypeName } from '../tuple-key.ts';
import type { AuthorizationModel, RelationReference, TypeDefinition, Userset } from './types.ts';
import { rewriteHasThis } from './typesystem.ts';

const supportedSchemas = new Set(['1.1', '1.2']);
const reservedNames = new Set(['self', 'this']);

const invalid = (message: string) => new FgaError('invalid_authorization_model', message);

/**
 * Validates a model as OpenFGA's WriteAuthorizationModel does: names, references, type
 * restrictions, tuplesets, conditions and entrypoints. Throws the first problem found.
 */
export function validateModel(model: AuthorizationModel): void {
  if (!model || typeof model !== 'object') throw new FgaError('validation_error', 'invalid authorization model');
  if (!supportedSchemas.has(model.schema_version))
    throw new FgaError('unsupported_schema_version', `invalid schema version '${model.schema_version ?? ''}'`);
  if (!Array.isArray(model.type_definitions) || model.type_definitions.length === 0)
    throw new FgaError('validation_error', 'type_definitions: value must contain at least 1 item');
  const types = new Map<string, TypeDefinition>();
  for (const definition of model.type_definitions) {
    if (typeof definition?.type !== 'string' || !isValidTypeName(definition.type) || reservedNames.has(definition.type))
      throw new FgaError('validation_error', `the type name '${definition?.type}' is invalid`);
    if (types.has(definition.type))
      throw new FgaError('cannot_allow_duplicate_types_in_one_request', `the type '${definition.type}' is defined more than once`);
    types.set(definition.type, definition);
  }
  const conditions = model.conditions ?? {};
  for (const [name, condition] of Object.entries(conditions)) {
    if (condition.name !== name) throw invalid(`condition key '${name}' does not match its name '${condition.name}'`);
    try {
      compileCondition(condition);
    } catch (error) {
      throw invalid(`failed to compile condition '${name}': ${(error as Error).message}`);
    }
  }
  const relationOf = (type: string, relation: string): Userset | undefined => types.get(type)?.relations?.[relation];
  const directTypesOf = (type: string, relation: string): RelationReference[] =>
    types.get(type)?.metadata?.relations?.[relation]?.directly_related_user_types ?? [];

  for (const definition of types.values()) {
    for (const [relation, rewrite] of Object.entries(definition.relations ?? {})) {
      const where = `'${definition.type}#${relation}'`;
      if (!isValidRelationName(relation) || reservedNames.has(relation))
        throw new FgaError('validation_error', `the relation name '${relation}' in type '${definition.type}' is invalid`);
      const refs = directTypesOf(definition.type, relation);
      const assignable = rewriteHasThis(rewrite);
      if (assignable && refs.length === 0) throw invalid(`the assignable relation ${where} must contain at least one relation type`);
      if (!assignable && refs.length > 0) throw invalid(`the non-assignable relation ${where} should not contain relation types`);
      for (const ref of refs) {
        const shown = `${ref.type}${ref.relation ? `#${ref.relation}` : ''}${ref.wildcard ? ':*' : ''}`;
        if (!types.has(ref.type)) throw invalid(`the relation type '${shown}' on ${where} is not valid: type '${ref.type}' is undefined`);
        if (ref.relation && ref.wildcard) throw invalid(`the relation type '${shown}' on ${where} cannot be both a wildcard and a userset`);
        if (ref.relation && !relationOf(ref.type, ref.relation))
          throw invalid(`the relation type '${shown}' on ${where} is not valid: relation '${ref.type}#${ref.relation}' is undefined`);
        if (ref.condition && !conditions[ref.condition]) throw invalid(`condition '${ref.condition}' used on ${where} is undefined`);
      }
      validateRewrite(rewrite, definition.type, where, relationOf, directTypesOf);
    }
  }
  for (const definition of types.values())
    for (const relation of Object.keys(definition.relations ?? {}))
      if (!hasEntrypoint(definition.type, relation, relationOf, directTypesOf, new Set()))
        throw invalid(`no entrypoint defined for '${definition.type}#${relation}'`);
}

function validateRewrite(
  rewrite: Userset,
  type: string,
  where: string,
  relationOf: (type: string, relation: string) => Userset | undefined,
  directTypesOf: (type: string, relation: string) => RelationReference[],
): void {
  const set = Object.keys(rewrite ?? {}).filter((k) => (rewrite as Record<string, unknown>)[k] != null);
  if (set.length !== 1)
    throw invalid(`the rewrite of ${where} must set exactly one of this, computedUserset, tupleToUserset, union, intersection, difference`);
  if (rewrite.computedUserset) {
    if (!relationOf(type, rewrite.computedUserset.relation))
      throw invalid(`the relation '${rewrite.computedUserset.relation}' referenced by ${where} is undefined on type '${type}'`);
  } else if (rewrite.tupleToUserset) {
    const tupleset = rewrite.tupleToUserset.tupleset.relation;
    const computed = rewrite.tupleToUserset.computedUserset.relation;
    const tuplesetRewrite = relationOf(type, tupleset);
    if (!tuplesetRewrite) throw invalid(`the tupleset relation '${tupleset}' referenced by ${where} is undefined on type '${type}'`);
    if (!tuplesetRewrite.this) throw invalid(`the tupleset relation '${type}#${tupleset}' used by ${where} must be a direct relation`);
    const refs = directTypesOf(type, tupleset);
    if (refs.some((r) => r.relation || r.wildcard))
      throw invalid(`the tupleset relation '${type}#${tupleset}' used by ${where} cannot have usersets or wildcards as types`);
    if (!refs.some((r) => relationOf(r.type, computed)))
      throw invalid(`the relation '${computed}' referenced by ${where} is undefined on every type of '${type}#${tupleset}'`);
  } else if (rewrite.union || rewrite.intersection) {
    const children = (rewrite.union ?? rewrite.intersection)?.child ?? [];
    if (children.length === 0) throw invalid(`an operator of ${where} has no operands`);
    for (const child of children) validateRewrite(child, type, where, relationOf, directTypesOf);
  } else if (rewrite.difference) {
    validateRewrite(rewrite.difference.base, type, where, relationOf, directTypesOf);
    validateRewrite(rewrite.difference.subtract, type, where, relationOf, directTypesOf);
  }
}

/** Whether some user can ever hold the relation (OpenFGA rejects relations with no way in). */
function hasEntrypoint(
  type: string,
  relation: string,
  relationOf: (type: string, relation: string) => Userset | undefined,
  directTypesOf: (type: string, relation: string) => RelationReference[],
  visiting: Set<string>,
): boolean {
  const key = `${type}#${relation}`;
  const rewrite = relationOf(type, relation);
  if (!rewrite || visiting.has(key)) return false;
  const next = new Set(visiting).add(key);
  const walk = (node: Userset): boolean => {
    if (node.this)
      return directTypesOf(type, relation).some((r) => !r.relation || hasEntrypoint(r.type, r.relation, relationOf, directTypesOf, next));
    if (node.computedUserset) return hasEntrypoint(type, node.computedUserset.relation, relationOf, directTypesOf, next);
    if (node.tupleToUserset) {
      const computed = node.tupleToUserset.computedUserset.relation;
      return directTypesOf(type, node.tupleToUserset.tupleset.relation).some(
        (r) => relationOf(r.type, computed) !== undefined && hasEntrypoint(r.type, computed, relationOf, directTypesOf, next),
      );
    }
    if (node.union) return node.union.child.some(walk);
    if (node.intersection) return node.intersection.child.every(walk);
    if (node.difference) return walk(node.difference.base);
    return false;
  };
  return walk(rewrite);
}
