import { parseArgs } from 'node:util';
import { parseGatewaySettings, startGateway, watchConfigFile } from '@portcullis/gateway';
import { loadConfig } from '@portcullis/server';
import { UsageError } from '../output.ts';

export const usage = `portcullis gateway --config <file>
  Runs the gateway: a reverse proxy that enforces access tokens, scope rules and step-up per
  route (the file's gateway: section), and swaps opaque tokens for JWTs. Edits to the file
  are applied without dropping connections.`;

/** The gateway settings of a config file, read the way the server reads its own. */
function load(file: string) {
  const config = loadConfig({ file });
  return parseGatewaySettings(config.gateway, { ...(config.redis ? { redis: config.redis } : {}), logLevel: config.log.level });
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) throw new UsageError('--config is required');
  const file = values.config;
  const gateway = await startGateway(load(file));
  gateway.app.log.info({ url: gateway.url, routes: gateway.state.table.routes.length }, 'portcullis gateway started');
  const stopWatching = watchConfigFile(file, () => {
    try {
      gateway.reload(load(file));
      gateway.app.log.info({ routes: gateway.state.table.routes.length }, 'gateway configuration reloaded');
    } catch (error) {
      gateway.app.log.error({ err: error }, 'gateway configuration rejected; the previous one stays in force');
    }
  });
  const stop = (signal: string) => {
    gateway.app.log.info({ signal }, 'gateway shutting down');
    stopWatching();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise(() => {});
  return 0;
}
