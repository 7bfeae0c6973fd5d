import { invalidRequest, notFound } from '@portcullis/oauth';
import type { ApiRecord } from '@portcullis/store';
import type { Runtime } from '../runtime.ts';
import { validateApiMetadata } from './api-metadata.ts';

export type ApiView = Record<string, unknown> & { identifier: string; created_at: number; updated_at: number };

export function apiView(record: ApiRecord): ApiView {
  return { identifier: record.identifier, ...record.metadata, created_at: record.created_at, updated_at: record.updated_at };
}

async function save(
  runtime: Runtime,
  input: Record<string, unknown>,
  mode: 'create' | 'apply' | 'update',
): Promise<{ view: ApiView; outcome: 'created' | 'updated' | 'unchanged' }> {
  const { identifier, metadata } = validateApiMetadata(input);
  const existing = await runtime.store.apis.get(identifier);
  if (existing?.metadata.builtin) throw invalidRequest(`${identifier} is a built-in API and cannot be changed`);
  if (mode === 'create' && existing) throw invalidRequest(`API ${identifier} already exists`);
  if (mode === 'update' && !existing) throw notFound(`API ${identifier} does not exist`);
  if (existing && JSON.stringify(existing.metadata) === JSON.stringify(metadata)) return { view: apiView(existing), outcome: 'unchanged' };
  const now = runtime.context.clock();
  const record: ApiRecord = { identifier, metadata, created_at: existing?.created_at ?? now, updated_at: now };
  await runtime.store.apis.upsert(record);
  runtime.context.apis.invalidate();
  return { view: apiView(record), outcome: existing ? 'updated' : 'created' };
}

export async function createApi(runtime: Runtime, input: Record<string, unknown>): Promise<ApiView> {
  return (await save(runtime, input, 'create')).view;
}

/** Declares an API from the config file, idempotently. */
export async function applyApi(runtime: Runtime, input: Record<string, unknown>): Promise<'created' | 'updated' | 'unchanged'> {
  return (await save(runtime, input, 'apply')).outcome;
}

export async function updateApi(runtime: Runtime, identifier: string, input: Record<string, unknown>): Promise<ApiView> {
  if (input.identifier !== undefined && input.identifier !== identifier) throw invalidRequest('identifier cannot be changed');
  return (await save(runtime, { ...input, identifier }, 'update')).view;
}

export async function listApis(runtime: Runtime): Promise<ApiView[]> {
  return (await runtime.store.apis.list()).map(apiView);
}

export async function getApi(runtime: Runtime, identifier: string): Promise<ApiView> {
  const record = await runtime.store.apis.get(identifier);
  if (!record) throw notFound(`API ${identifier} does not exist`);
  return apiView(record);
}

export async function deleteApi(runtime: Runtime, identifier: string): Promise<void> {
  const record = await runtime.store.apis.get(identifier);
  if (!record) throw notFound(`API ${identifier} does not exist`);
  if (record.metadata.builtin) throw invalidRequest(`${identifier} is a built-in API and cannot be deleted`);
  await runtime.store.apis.delete(identifier);
  runtime.context.apis.invalidate();
}
