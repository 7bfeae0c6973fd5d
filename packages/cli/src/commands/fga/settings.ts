import { UsageError } from '../../output.ts';

/** Flags every `portcullis fga` command takes (each also read from the environment). */
export const fgaOptions = {
  'api-url': { type: 'string' },
  'store-id': { type: 'string' },
  'model-id': { type: 'string' },
  'api-key': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-auth-method': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface FgaSettings {
  /** The permissions API, e.g. `http://127.0.0.1:9000/fga`. */
  apiUrl: string;
  storeId?: string;
  modelId?: string;
  credentials:
    | { kind: 'api-key'; key: string }
    | { kind: 'client-credentials'; clientId: string; clientSecret: string; method: 'client_secret_basic' | 'client_secret_post' }
    | { kind: 'none' };
  json: boolean;
}

type Values = { [K in keyof typeof fgaOptions]?: (typeof fgaOptions)[K]['type'] extends 'boolean' ? boolean : string };

/** Flags win over the environment (`PORTCULLIS_FGA_*`); the API URL defaults to a local server. */
export function fgaSettings(values: Values, env: NodeJS.ProcessEnv = process.env): FgaSettings {
  const pick = (flag: keyof typeof fgaOptions, variable: string): string | undefined => {
    const value = values[flag] ?? env[variable];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const apiUrl = (pick('api-url', 'PORTCULLIS_FGA_API_URL') ?? 'http://127.0.0.1:9000/fga').replace(/\/+$/, '');
  const key = pick('api-key', 'PORTCULLIS_FGA_API_KEY');
  const clientId = pick('client-id', 'PORTCULLIS_FGA_CLIENT_ID');
  const clientSecret = pick('client-secret', 'PORTCULLIS_FGA_CLIENT_SECRET');
  const method = pick('client-auth-method', 'PORTCULLIS_FGA_CLIENT_AUTH_METHOD') ?? 'client_secret_basic';
  if (method !== 'client_secret_basic' && method !== 'client_secret_post')
    throw new UsageError('--client-auth-method must be client_secret_basic or client_secret_post');
  if (key && clientId) throw new UsageError('use either --api-key or --client-id/--client-secret, not both');
  if (clientId && !clientSecret) throw new UsageError('--client-id needs --client-secret (or PORTCULLIS_FGA_CLIENT_SECRET)');
  const credentials: FgaSettings['credentials'] = key
    ? { kind: 'api-key', key }
    : clientId && clientSecret
      ? { kind: 'client-credentials', clientId, clientSecret, method }
      : { kind: 'none' };
  return {
    apiUrl,
    storeId: pick('store-id', 'PORTCULLIS_FGA_STORE_ID'),
    modelId: pick('model-id', 'PORTCULLIS_FGA_MODEL_ID'),
    credentials,
    json: values.json === true,
  };
}

/** The store id, required by every command but `store create`. */
export function requireStoreId(settings: FgaSettings): string {
  if (!settings.storeId) throw new UsageError('--store-id (or PORTCULLIS_FGA_STORE_ID) is required');
  return settings.storeId;
}
