/**
 * The configuration, declared once: every key with its type, default and meaning. The loader
 * validates against it, the environment overrides are derived from it, and
 * docs/configuration.md is generated from it (and checked against it by a test).
 */
export type Setting =
  | { type: 'string'; default?: string; description: string; enum?: readonly string[]; secret?: boolean }
  | { type: 'integer'; default: number; description: string; min?: number; max?: number }
  | { type: 'boolean'; default: boolean; description: string };

export type Section = { [key: string]: Setting | Section };

export const configSchema = {
  issuer: {
    type: 'string',
    description: 'Issuer identifier (RFC 8414): the public base URL of this server. Defaults to http://<host>:<port>.',
  },
  host: { type: 'string', default: '127.0.0.1', description: 'Address to listen on.' },
  port: { type: 'integer', default: 9000, min: 0, max: 65535, description: 'Port to listen on (0 picks a free one).' },
  database: {
    type: 'string',
    default: 'sqlite:./data/portcullis.db',
    description: 'sqlite:<path> (embedded, WAL mode) or postgres://user@host:port/db.',
    secret: true,
  },
  redis: { type: 'string', description: 'Optional Redis URL for shared hot state across nodes.', secret: true },
  data_dir: { type: 'string', default: './data', description: 'Directory for local state (the development key-encryption key).' },
  log: {
    level: {
      type: 'string',
      default: 'info',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      description: 'Log level (pino).',
    },
    requests: { type: 'boolean', default: false, description: 'Log every request (method, route, status, time; never bodies or tokens).' },
  },
  keys: {
    algorithm: {
      type: 'string',
      default: 'ES256',
      enum: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      description: 'Algorithm of newly generated signing keys.',
    },
    encryption_key: {
      type: 'string',
      description:
        'Key-encryption key for signing keys at rest (16+ characters). Unset: a development key is generated under data_dir, with a warning.',
      secret: true,
    },
    propagation_delay: {
      type: 'integer',
      default: 600,
      min: 0,
      description: 'Seconds a rotated-in key is published in the JWKS before it signs, so verifiers have fetched it.',
    },
    poll_interval: { type: 'integer', default: 2, min: 1, description: 'Seconds between checks for keys rotated by another process.' },
  },
  tokens: {
    introspection_response_ttl: {
      type: 'integer',
      default: 60,
      min: 1,
      description: 'Lifetime (seconds) of RFC 9701 signed introspection responses.',
    },
    authorization_code_ttl: {
      type: 'integer',
      default: 60,
      min: 1,
      max: 60,
      description: 'Lifetime (seconds) of authorization codes (at most 60).',
    },
    id_token_ttl: { type: 'integer', default: 3600, min: 60, description: 'Lifetime (seconds) of ID tokens.' },
    refresh_token_idle_ttl: {
      type: 'integer',
      default: 1209600,
      min: 60,
      description: 'Sliding lifetime (seconds) of refresh tokens: unused this long, the session ends (default 14 days).',
    },
    refresh_token_absolute_ttl: {
      type: 'integer',
      default: 7776000,
      min: 60,
      description: 'Absolute lifetime (seconds) of a refresh-token family from the sign-in (default 90 days).',
    },
  },
  authorization: {
    pkce_required: {
      type: 'boolean',
      default: true,
      description: 'Require PKCE (S256) from confidential clients too; public clients always need it.',
    },
    interaction_ttl: { type: 'integer', default: 900, min: 60, description: 'Seconds a person has to sign in and consent.' },
  },
  sessions: {
    ttl: { type: 'integer', default: 28800, min: 60, description: 'Lifetime (seconds) of a browser session after sign-in.' },
  },
  login: {
    free_attempts: {
      type: 'integer',
      default: 5,
      min: 1,
      description: 'Failed sign-ins allowed per account and per IP before back-off starts.',
    },
    backoff_base: { type: 'integer', default: 2, min: 1, description: 'First back-off (seconds); it doubles with each further failure.' },
    backoff_max: { type: 'integer', default: 900, min: 1, description: 'Longest back-off (seconds).' },
  },
  passwords: {
    memory_cost: {
      type: 'integer',
      default: 19456,
      min: 8192,
      description: 'argon2id memory (KiB); OWASP: 19456. Hashes made with other values are upgraded at the next sign-in.',
    },
    time_cost: { type: 'integer', default: 2, min: 1, description: 'argon2id iterations; OWASP: 2.' },
    parallelism: { type: 'integer', default: 1, min: 1, description: 'argon2id lanes; OWASP: 1.' },
  },
  cache: {
    registry_ttl_ms: {
      type: 'integer',
      default: 1000,
      min: 0,
      description: 'How long client and API definitions are cached in memory; changes made by other processes show within this time.',
    },
  },
  limits: {
    body_size: { type: 'integer', default: 65536, min: 1024, description: 'Largest request body accepted, in bytes (413 beyond).' },
  },
  fga: {
    preshared_keys: {
      type: 'string',
      description:
        'Comma-separated keys the permissions API (/fga) also accepts as Bearer tokens, for local use. Unset: only Portcullis access tokens for <issuer>/fga.',
      secret: true,
    },
    check_cache_entries: {
      type: 'integer',
      default: 10000,
      min: 0,
      description:
        'Check sub-problem answers kept per process (OpenFGA: check-query-cache-limit); 0 turns the cache off. Keyed by store revision: a write through this process is seen at once. Checks on a store held in memory are computed each time and skip it.',
    },
    read_cache_tuples: {
      type: 'integer',
      default: 100000,
      min: 0,
      description:
        "Tuples of objects' reads shared across checks per process (OpenFGA: the check iterator cache), kept from an object's second read; 0 turns it off. Keyed by store revision.",
    },
    memory_tuples: {
      type: 'integer',
      default: 2000000,
      min: 0,
      description:
        'Tuples held in memory per process, over every permission store (about 150 bytes each, so some 300 MB at the default): a store that fits is loaded on its first check and kept current from its changelog, so checks read maps instead of the database; one that does not fit is read from the database. A check waits until the copy has every change its revision (or consistency token) includes. 0 turns it off.',
    },
    cache_ttl: {
      type: 'integer',
      default: 10,
      min: 1,
      description: 'Seconds a cached check answer or shared read is reused at most (OpenFGA: check-query-cache-ttl).',
    },
  },
  shutdown_timeout: { type: 'integer', default: 10, min: 0, description: 'Seconds to let in-flight requests finish on SIGTERM/SIGINT.' },
} as const satisfies Section;

/** Top-level lists: validated per entry by the admin layer's metadata rules. */
export const listKeys = ['clients', 'apis', 'users', 'gateway'] as const;
