import type { SigningAlgorithm } from '@portcullis/oauth';

/** The validated, frozen configuration. */
export interface Config {
  issuer: string;
  host: string;
  port: number;
  database: string;
  redis?: string;
  data_dir: string;
  log: { level: string; requests: boolean };
  keys: { algorithm: SigningAlgorithm; encryption_key?: string; propagation_delay: number; poll_interval: number };
  tokens: {
    introspection_response_ttl: number;
    authorization_code_ttl: number;
    id_token_ttl: number;
    refresh_token_idle_ttl: number;
    refresh_token_absolute_ttl: number;
  };
  authorization: { pkce_required: boolean; interaction_ttl: number };
  sessions: { ttl: number };
  login: { free_attempts: number; backoff_base: number; backoff_max: number };
  passwords: { memory_cost: number; time_cost: number; parallelism: number };
  cache: { registry_ttl_ms: number };
  limits: { body_size: number };
  fga: { preshared_keys?: string; check_cache_entries: number; read_cache_tuples: number; memory_tuples: number; cache_ttl: number };
  shutdown_timeout: number;
  clients: Record<string, unknown>[];
  apis: Record<string, unknown>[];
  users: Record<string, unknown>[];
  gateway?: Record<string, unknown>;
}
