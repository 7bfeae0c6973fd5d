import type { Runtime } from '../runtime.ts';

/** Keys with their state now; re-reads the store so rotations by other processes show. */
export async function listKeys(runtime: Runtime) {
  await runtime.context.keys.refresh();
  return runtime.context.keys.describe();
}

/** Rotates the signing key: the new one is published now and signs after the propagation delay (or now). */
export async function rotateKeys(runtime: Runtime, options: { immediate: boolean }) {
  // With no key signing yet, a delayed activation would leave the server unable to sign.
  const immediate = options.immediate || !runtime.context.keys.signingKeyOrUndefined();
  const record = await runtime.context.keys.rotate({ immediate });
  return { kid: record.kid, alg: record.alg, activates_at: record.activates_at };
}
