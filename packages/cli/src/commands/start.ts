import { parseArgs } from 'node:util';
import { startServer, stopOnSignals } from '@portcullis/server';
import { configFrom } from '../runtime-options.ts';

export const usage = `portcullis start [--config <file>] [--port <n>] [--host <addr>] [--database <url>]
  Runs the authorization server and the permissions API. Without --config: an embedded
  SQLite database under ./data/ and a development setup on first start.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      database: { type: 'string' },
    },
    strict: true,
  });
  const config = configFrom(values);
  const server = await startServer(config, { devSetup: values.config === undefined });
  server.app.log.info({ issuer: config.issuer, url: server.url, database: config.database.split(':')[0] }, 'portcullis started');
  stopOnSignals(server, config.shutdown_timeout);
  // Keep running until a signal stops the server.
  await new Promise(() => {});
  return 0;
}
