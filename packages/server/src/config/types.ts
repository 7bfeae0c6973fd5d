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
  tokens: { introspection_response_ttl: number };
  cache: { registry_ttl_ms: number };
  limits: { body_size: number };
  fga: { preshared_keys?: string };
  shutdown_timeout: number;
  clients: Record<string, unknown>[];
  apis: Record<string, unknown>[];
  users: Record<string, unknown>[];
  gateway?: Record<string, unknown>;
}
