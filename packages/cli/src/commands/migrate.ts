import { parseArgs } from 'node:util';
import { openStore } from '@portcullis/store';
import { configFrom } from '../runtime-options.ts';

export const usage = `portcullis migrate [--config <file>] [--database <url>]
  Applies pending database migrations (the server also does at start-up).`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, database: { type: 'string' } }, strict: true });
  const store = openStore(configFrom(values).database);
  try {
    const applied = await store.migrate();
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await store.close();
  }
  return 0;
}
