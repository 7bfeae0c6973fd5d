import { type CompiledCondition, compileCondition } from '../conditions.ts';
import { FgaError } from '../errors.ts';
import { type ParsedUser, parseObject, parseUser, type TupleKey, tupleKeyString } from '../tuple-key.ts';
import type { AuthorizationModel, RelationReference, Userset } from './types.ts';

export interface RelationDefinition {
  readonly type: string;
  readonly name: string;
  readonly rewrite: Userset;
  readonly directTypes: readonly RelationReference[];
  /** The users an unconditioned tuple of this relation may name, by shape (from `directTypes`). */
  readonly unconditioned: UserShapes;
}

/** User shapes a relation admits: plain objects and wildcards by type, usersets by type and relation. */
export interface UserShapes {
  readonly plain: ReadonlySet<string>;
  readonly wildcard: ReadonlySet<string>;
  readonly usersets: ReadonlyMap<string, ReadonlySet<string>>;
}

function unconditionedShapes(refs: readonly RelationReference[]): UserShapes {
  const plain = new Set<string>();
  const wildcard = new Set<string>();
  const usersets = new Map<string, Set<string>>();
  for (const ref of refs) {
    if (ref.condition) continue;
    if (ref.wildcard) wildcard.add(ref.type);
    else if (ref.relation) {
      const relations = usersets.get(ref.type) ?? new Set<string>();
      relations.add(ref.relation);
      usersets.set(ref.type, relations);
    } else plain.add(ref.type);
  }
  return { plain, wildcard, usersets };
}

/** The relations of one object a rule reads, and whether they are all those its type holds tuples for. */
export interface ObjectRelations {
  readonly relations: readonly string[];
  readonly wholeObject: boolean;
}

/** A model indexed for resolution: types, relations, type restrictions and compiled conditions. */
export class TypeSystem {
  readonly model: AuthorizationModel;
  readonly #types = new Map<string, Map<string, RelationDefinition>>();
  readonly #conditions = new Map<string, CompiledCondition | Error>();
  readonly #fits = new Map<string, boolean>();
  readonly #objectRelations = new Map<string, ObjectRelations>();

  constructor(model: AuthorizationModel) {
    this.model = model;
    for (const definition of model.type_definitions) {
      const relations = new Map<string, RelationDefinition>();
      for (const [name, rewrite] of Object.entries(definition.relations ?? {})) {
        const directTypes = definition.metadata?.relations?.[name]?.directly_related_user_types ?? [];
        relations.set(name, { type: definition.type, name, rewrite, directTypes, unconditioned: unconditionedShapes(directTypes) });
      }
      this.#types.set(definition.type, relations);
    }
  }

  get id(): string {
    return this.model.id ?? '';
  }

  get types(): string[] {
    return [...this.#types.keys()];
  }

  hasType(type: string): boolean {
    return this.#types.has(type);
  }

  relations(type: string): RelationDefinition[] {
    return [...(this.#types.get(type)?.values() ?? [])];
  }

  relation(type: string, relation: string): RelationDefinition | undefined {
    return this.#types.get(type)?.get(relation);
  }

  /**
   * The relations of the same object that resolving `type#relation` reads tuples of: its own
   * direct tuples, those of the relations it computes from (followed), and the tuplesets of its
   * tuple-to-usersets. `document#viewer: [user] or owner or viewer from parent` reads viewer,
   * owner and parent, so a check reads them at once; and when those are all the relations of the
   * type that hold tuples, reading every tuple of the object is the same read.
   */
  objectRelations(type: string, relation: string): ObjectRelations {
    const key = `${type}#${relation}`;
    let relations = this.#objectRelations.get(key);
    if (!relations) {
      const found = new Set<string>();
      const followed = new Set<string>([relation]);
      const visit = (name: string, rewrite: Userset) => {
        if (rewrite.this) found.add(name);
        if (rewrite.tupleToUserset) found.add(rewrite.tupleToUserset.tupleset.relation);
        const computed = rewrite.computedUserset?.relation;
        if (computed !== undefined && !followed.has(computed)) {
          followed.add(computed);
          const definition = this.relation(type, computed);
          if (definition) visit(computed, definition.rewrite);
        }
        for (const child of rewrite.union?.child ?? rewrite.intersection?.child ?? []) visit(name, child);
        if (rewrite.difference) {
          visit(name, rewrite.difference.base);
          visit(name, rewrite.difference.subtract);
        }
      };
      const definition = this.relation(type, relation);
      if (definition) visit(relation, definition.rewrite);
      const holding = this.relations(type).filter((r) => r.directTypes.length > 0);
      relations = { relations: [...found], wholeObject: holding.every((r) => found.has(r.name)) };
      this.#objectRelations.set(key, relations);
    }
    return relations;
  }

  hasCondition(name: string): boolean {
    return Boolean(this.model.conditions?.[name]);
  }

  /** The compiled condition; compiled on first use and kept with the model. */
  condition(name: string): CompiledCondition {
    let compiled = this.#conditions.get(name);
    if (!compiled) {
      const definition = this.model.conditions?.[name];
      if (!definition) compiled = new Error(`condition '${name}' is not defined`);
      else {
        try {
          compiled = compileCondition(definition);
        } catch (error) {
          compiled = error as Error;
        }
      }
      this.#conditions.set(name, compiled);
    }
    if (compiled instanceof Error)
      throw new FgaError('validation_error', `failed to evaluate relationship condition '${name}': ${compiled.message}`);
    return compiled;
  }

  /** Why the tuple does not fit the model, or undefined when it does (OpenFGA's tuple validation). */
  tupleProblem(tuple: TupleKey): string | undefined {
    const object = parseObject(tuple.object);
    if (!object) return `invalid 'object' field format`;
    const user = parseUser(tuple.user);
    if (!user) return `invalid 'user' field format`;
    if (!this.hasType(object.type)) return `type '${object.type}' not found`;
    const relation = this.relation(object.type, tuple.relation);
    if (!relation) return `relation '${object.type}#${tuple.relation}' not found`;
    if (!this.hasType(user.type)) return `type '${user.type}' not found`;
    if (user.relation && !this.relation(user.type, user.relation)) return `relation '${user.type}#${user.relation}' not found`;
    const conditionName = tuple.condition?.name ?? '';
    if (conditionName && !this.hasCondition(conditionName)) return `condition '${conditionName}' is undefined`;
    if (!relation.directTypes.some((ref) => referenceMatches(ref, user) && (ref.condition ?? '') === conditionName)) {
      const shown = user.wildcard ? `${user.type}:*` : user.relation ? `${user.type}#${user.relation}` : user.type;
      return `type '${shown}'${conditionName ? ` with condition '${conditionName}'` : ''} is not an allowed type restriction for '${object.type}#${tuple.relation}'`;
    }
    return undefined;
  }

  /** Throws `invalid_tuple` (or `code`) when the tuple does not fit the model. */
  assertValidTuple(tuple: TupleKey, code: 'invalid_tuple' | 'validation_error' = 'invalid_tuple'): void {
    const problem = this.tupleProblem(tuple);
    if (problem) throw new FgaError(code, `Invalid tuple '${tupleKeyString(tuple)}'. Reason: ${problem}`);
  }

  /**
   * Whether a stored tuple still fits this model; tuples written under older models may not.
   * Ids were checked when the tuple was written, so the answer depends only on the tuple's shape
   * (object type, relation, user type and userset relation or wildcard, condition) and is
   * remembered per shape: reads filter every row through here.
   */
  isValidTuple(tuple: TupleKey): boolean {
    const { object, user } = tuple;
    const objectType = object.slice(0, object.indexOf(':'));
    const colon = user.indexOf(':');
    const hash = user.indexOf('#');
    const userShape =
      hash !== -1 ? `${user.slice(0, colon)}:x${user.slice(hash)}` : user.endsWith(':*') ? user : `${user.slice(0, colon)}:x`;
    const key = `${objectType}#${tuple.relation}@${userShape}|${tuple.condition?.name ?? ''}`;
    let fits = this.#fits.get(key);
    if (fits === undefined) {
      const probe: TupleKey = { object: `${objectType}:x`, relation: tuple.relation, user: userShape };
      if (tuple.condition?.name) probe.condition = { name: tuple.condition.name };
      fits = colon > 0 && this.tupleProblem(probe) === undefined;
      this.#fits.set(key, fits);
    }
    return fits;
  }
}

export function referenceMatches(ref: RelationReference, user: ParsedUser): boolean {
  if (ref.type !== user.type) return false;
  if (user.wildcard) return Boolean(ref.wildcard);
  if (user.relation) return ref.relation === user.relation;
  return !ref.relation && !ref.wildcard;
}

/** Whether the relation's rewrite reads direct tuples (`this`) anywhere. */
export function rewriteHasThis(rewrite: Userset): boolean {
  if (rewrite.this) return true;
  const children = rewrite.union?.child ?? rewrite.intersection?.child ?? [];
  if (children.some(rewriteHasThis)) return true;
  if (rewrite.difference) return rewriteHasThis(rewrite.difference.base) || rewriteHasThis(rewrite.difference.subtract);
  return false;
}
