/** OpenFGA's authorization model, in the JSON shape of its API (`WriteAuthorizationModel`). */
export interface AuthorizationModel {
  id?: string;
  schema_version: string;
  type_definitions: TypeDefinition[];
  conditions?: Record<string, ConditionDefinition>;
}

export interface TypeDefinition {
  type: string;
  relations?: Record<string, Userset>;
  metadata?: TypeMetadata | null;
}

export interface TypeMetadata {
  relations?: Record<string, RelationMetadata> | null;
  module?: string;
  source_info?: { file?: string } | null;
}

export interface RelationMetadata {
  directly_related_user_types?: RelationReference[];
  module?: string;
  source_info?: { file?: string } | null;
}

/** A type restriction: `user`, `user:*` (`wildcard: {}`), `group#member`, each optionally `with cond`. */
export interface RelationReference {
  type: string;
  relation?: string;
  wildcard?: Record<string, never>;
  condition?: string;
}

export interface ObjectRelation {
  object?: string;
  relation: string;
}

/** A relation's rewrite: exactly one member is set. */
export interface Userset {
  this?: Record<string, never>;
  computedUserset?: ObjectRelation;
  tupleToUserset?: { tupleset: ObjectRelation; computedUserset: ObjectRelation };
  union?: { child: Userset[] };
  intersection?: { child: Userset[] };
  difference?: { base: Userset; subtract: Userset };
}

export type ConditionParamTypeName =
  | 'TYPE_NAME_UNSPECIFIED'
  | 'TYPE_NAME_ANY'
  | 'TYPE_NAME_BOOL'
  | 'TYPE_NAME_STRING'
  | 'TYPE_NAME_INT'
  | 'TYPE_NAME_UINT'
  | 'TYPE_NAME_DOUBLE'
  | 'TYPE_NAME_DURATION'
  | 'TYPE_NAME_TIMESTAMP'
  | 'TYPE_NAME_MAP'
  | 'TYPE_NAME_LIST'
  | 'TYPE_NAME_IPADDRESS';

export interface ConditionParamTypeRef {
  type_name: ConditionParamTypeName;
  generic_types?: ConditionParamTypeRef[];
}

export interface ConditionDefinition {
  name: string;
  expression: string;
  parameters?: Record<string, ConditionParamTypeRef>;
  metadata?: { module?: string; source_info?: { file?: string } | null } | null;
}
