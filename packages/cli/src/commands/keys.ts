import { parseArgs } from 'node:util';
import { listKeys, rotateKeys } from '@portcullis/server';
import { print, UsageError } from '../output.ts';
import { commonOptions, withRuntime } from '../runtime-options.ts';

export const usage = `portcullis keys list [--config <file>] [--json]
portcullis keys rotate [--now] [--config <file>] [--json]
  rotate publishes a new signing key at once; it starts signing after keys.propagation_delay
  (or immediately with --now). A running server picks the change up within keys.poll_interval.`;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { ...commonOptions, now: { type: 'boolean', default: false } }, strict: true });
  const when = (t: number | null) => (t === null ? '' : new Date(t * 1000).toISOString());
  switch (action) {
    case 'list':
      return withRuntime(values, async (runtime) => {
        const keys = (await listKeys(runtime)).map((k) => ({ ...k, activates: when(k.activates_at), retired: when(k.retired_at) }));
        print(keys, { json: values.json, columns: ['kid', 'alg', 'state', 'activates', 'retired'] });
        return 0;
      });
    case 'rotate':
      return withRuntime(values, async (runtime) => {
        const rotated = await rotateKeys(runtime, { immediate: values.now });
        print(rotated, { json: values.json });
        return 0;
      });
    default:
      throw new UsageError(`unknown keys command: ${action ?? '(none)'}`);
  }
}
