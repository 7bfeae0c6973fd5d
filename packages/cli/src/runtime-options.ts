import { type Config, loadConfig, openRuntime, type Runtime } from '@portcullis/server';

/** Options every command that touches the database accepts. */
export const commonOptions = {
  config: { type: 'string', short: 'c' },
  database: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export function configFrom(values: { config?: string; database?: string; port?: string; host?: string }): Config {
  const overrides: Record<string, unknown> = {};
  if (values.database !== undefined) overrides.database = values.database;
  if (values.port !== undefined) overrides.port = values.port;
  if (values.host !== undefined) overrides.host = values.host;
  return loadConfig({ file: values.config, overrides });
}

/** Opens the same database the server uses, for commands that run beside it. */
export async function withRuntime<T>(
  values: { config?: string; database?: string },
  run: (runtime: Runtime) => Promise<T>,
  ensureSigningKey = false,
): Promise<T> {
  const runtime = await openRuntime(configFrom(values), {
    ensureSigningKey,
    longRunning: false,
    warn: (m) => process.stderr.write(`${m}\n`),
  });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}
