import type { Runtime } from '../runtime.ts';
import { applyApi } from './api-admin.ts';
import { applyClient } from './client-admin.ts';
import { applyUser } from './user-admin.ts';

/** Applies the config file's `apis` and `clients`; returns what changed, for the start-up log. */
export async function applyConfig(runtime: Runtime): Promise<Record<string, number>> {
  const counts: Record<string, number> = { created: 0, updated: 0, unchanged: 0 };
  const bump = (outcome: string) => {
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  };
  for (const [index, api] of runtime.config.apis.entries()) {
    bump(await withPath(`apis[${index}]`, () => applyApi(runtime, { ...api })));
  }
  for (const [index, client] of runtime.config.clients.entries()) {
    bump(await withPath(`clients[${index}]`, () => applyClient(runtime, { ...client })));
  }
  for (const [index, user] of runtime.config.users.entries()) {
    bump(await withPath(`users[${index}]`, () => applyUser(runtime, { ...user })));
  }
  return counts;
}

async function withPath<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const description = (error as { description?: string }).description ?? (error as Error).message;
    throw new Error(`config ${path}: ${description}`);
  }
}
