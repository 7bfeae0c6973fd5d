/** Row shapes of the permission (OpenFGA-compatible) tables. Times are epoch milliseconds. */
export interface FgaStoresTable {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Bumped by every tuple write: the consistency token of the store. */
  revision: number;
}

export interface FgaModelsTable {
  store_id: string;
  id: string;
  schema_version: string;
  /** JSON: `{ type_definitions, conditions }`. */
  model: string;
  created_at: number;
}

export interface FgaTuplesTable {
  store_id: string;
  object_type: string;
  object_id: string;
  relation: string;
  user_type: string;
  /** An object id, or `*` for a wildcard. */
  user_id: string;
  /** The relation of a userset user; empty otherwise (so the primary key has no nulls). */
  user_relation: string;
  condition_name: string | null;
  condition_context: string | null;
  revision: number;
  inserted_at: number;
}

export interface FgaChangelogTable {
  store_id: string;
  revision: number;
  seq: number;
  object_type: string;
  object: string;
  relation: string;
  user: string;
  condition_name: string | null;
  condition_context: string | null;
  operation: 'write' | 'delete';
  timestamp: number;
}

export interface FgaAssertionsTable {
  store_id: string;
  model_id: string;
  assertions: string;
}

export interface AuthzDatabase {
  fga_stores: FgaStoresTable;
  fga_models: FgaModelsTable;
  fga_tuples: FgaTuplesTable;
  fga_changelog: FgaChangelogTable;
  fga_assertions: FgaAssertionsTable;
}
