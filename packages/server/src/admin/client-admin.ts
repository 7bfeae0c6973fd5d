import { type Client, clientFromRecord, invalidRequest, notFound, randomToken, sha256 } from '@portcullis/oauth';
import type { ClientRecord } from '@portcullis/store';
import type { Runtime } from '../runtime.ts';
import { usesSecret, validateClientMetadata } from './client-metadata.ts';

/** A client as the admin API and CLI show it: metadata, never the secret or its hash. */
export type ClientView = Record<string, unknown> & { client_id: string; client_id_issued_at: number; updated_at: number };

export function clientView(record: ClientRecord): ClientView {
  return { client_id: record.client_id, ...record.metadata, client_id_issued_at: record.created_at, updated_at: record.updated_at };
}

export interface CreatedClient {
  client: ClientView;
  /** Shown once, when generated; only its hash is stored. */
  client_secret?: string;
}

/** Creates a client (RFC 7591 §3.2.1 response shape); a secret is generated for secret-based methods. */
export async function createClient(runtime: Runtime, input: Record<string, unknown>): Promise<CreatedClient> {
  const validated = validateClientMetadata(input);
  const clientId = validated.client_id ?? randomToken(16);
  if (await runtime.store.clients.get(clientId)) throw invalidRequest(`client ${clientId} already exists`);
  const secret = usesSecret(validated.method) ? (validated.client_secret ?? randomToken()) : undefined;
  const now = runtime.context.clock();
  const record: ClientRecord = {
    client_id: clientId,
    client_secret_hash: secret ? sha256(secret) : null,
    metadata: validated.metadata,
    created_at: now,
    updated_at: now,
  };
  await runtime.store.clients.upsert(record);
  runtime.context.clients.invalidate(clientId);
  return { client: clientView(record), ...(secret && !validated.client_secret ? { client_secret: secret } : {}) };
}

/**
 * Declares a client from the config file: created if missing, updated if changed, untouched
 * if identical, so re-applying the file is idempotent. The given secret is stored hashed.
 */
export async function applyClient(runtime: Runtime, input: Record<string, unknown>): Promise<'created' | 'updated' | 'unchanged'> {
  const validated = validateClientMetadata(input);
  if (!validated.client_id) throw invalidRequest('clients in the config file need a client_id');
  const existing = await runtime.store.clients.get(validated.client_id);
  const wantsSecret = usesSecret(validated.method);
  if (wantsSecret && !validated.client_secret && !existing?.client_secret_hash) {
    throw invalidRequest(`client ${validated.client_id}: client_secret is required for ${validated.method}`);
  }
  const secretHash = !wantsSecret
    ? null
    : validated.client_secret
      ? sha256(validated.client_secret)
      : (existing?.client_secret_hash ?? null);
  if (existing && existing.client_secret_hash === secretHash && JSON.stringify(existing.metadata) === JSON.stringify(validated.metadata)) {
    return 'unchanged';
  }
  const now = runtime.context.clock();
  await runtime.store.clients.upsert({
    client_id: validated.client_id,
    client_secret_hash: secretHash,
    metadata: validated.metadata,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  });
  runtime.context.clients.invalidate(validated.client_id);
  return existing ? 'updated' : 'created';
}

export async function listClients(runtime: Runtime): Promise<ClientView[]> {
  return (await runtime.store.clients.list()).map(clientView);
}

async function requireClient(runtime: Runtime, clientId: string): Promise<ClientRecord> {
  const record = await runtime.store.clients.get(clientId);
  if (!record) throw notFound(`client ${clientId} does not exist`);
  return record;
}

export async function getClient(runtime: Runtime, clientId: string): Promise<ClientView> {
  return clientView(await requireClient(runtime, clientId));
}

/** Replaces a client's metadata (RFC 7592 §2.2 semantics: omitted fields are removed). */
export async function updateClient(runtime: Runtime, clientId: string, input: Record<string, unknown>): Promise<ClientView> {
  const existing = await requireClient(runtime, clientId);
  if (input.client_id !== undefined && input.client_id !== clientId) throw invalidRequest('client_id cannot be changed');
  if (input.client_secret !== undefined) throw invalidRequest('use rotate-secret to change the secret');
  const validated = validateClientMetadata({ ...input, client_id: clientId });
  const wantsSecret = usesSecret(validated.method);
  const record: ClientRecord = {
    ...existing,
    client_secret_hash: wantsSecret ? (existing.client_secret_hash ?? null) : null,
    metadata: validated.metadata,
    updated_at: runtime.context.clock(),
  };
  if (wantsSecret && !record.client_secret_hash) throw invalidRequest('switching to a secret-based method needs rotate-secret afterwards');
  await runtime.store.clients.upsert(record);
  runtime.context.clients.invalidate(clientId);
  return clientView(record);
}

export async function deleteClient(runtime: Runtime, clientId: string): Promise<void> {
  if (!(await runtime.store.clients.delete(clientId))) throw notFound(`client ${clientId} does not exist`);
  runtime.context.clients.invalidate(clientId);
}

/** Issues a new secret; the old one stops working at once. */
export async function rotateClientSecret(runtime: Runtime, clientId: string): Promise<{ client_id: string; client_secret: string }> {
  const existing = await requireClient(runtime, clientId);
  const client: Client = clientFromRecord(existing);
  if (!usesSecret(client.token_endpoint_auth_method))
    throw invalidRequest(`client ${clientId} uses ${client.token_endpoint_auth_method}, which has no secret`);
  const secret = randomToken();
  await runtime.store.clients.upsert({ ...existing, client_secret_hash: sha256(secret), updated_at: runtime.context.clock() });
  runtime.context.clients.invalidate(clientId);
  return { client_id: clientId, client_secret: secret };
}
