import { sweepExpired } from '@portcullis/oauth';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { applyConfig } from './admin/apply-config.ts';
import { buildApp } from './app.ts';
import type { Config } from './config/types.ts';
import { ensureDevSetup } from './dev-setup.ts';
import { openRuntime, type Runtime } from './runtime.ts';

export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  url: string;
  /** Stops accepting, finishes in-flight requests (up to the shutdown timeout), closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Print the development setup on first start without a config file. */
  devSetup?: boolean;
  logger?: FastifyServerOptions['logger'];
}

/** Starts the authorization server: runtime, config apply, HTTP listener, key polling. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  let app: FastifyInstance | undefined;
  const runtime = await openRuntime(config, { warn: (message) => (app ? app.log.warn(message) : process.stderr.write(`${message}\n`)) });
  try {
    app = await buildApp(runtime, { logger: options.logger });
    const applied = await applyConfig(runtime);
    if (config.clients.length || config.apis.length) app.log.info({ applied }, 'configuration applied');
    if (options.devSetup) {
      const instructions = await ensureDevSetup(runtime);
      if (instructions) process.stdout.write(`${instructions}\n`);
    }
    // Another process (the CLI, another node) may rotate keys: re-read them every few seconds.
    const pollKeys = setInterval(() => {
      runtime.context.keys.refresh().catch((error: unknown) => app?.log.error({ err: error }, 'key refresh failed'));
    }, config.keys.poll_interval * 1000);
    pollKeys.unref();
    // Housekeeping: what has expired is deleted once a minute (each process sweeps; the deletes
    // are idempotent, so processes sharing a database only repeat each other's empty work).
    // A sweep still running (a large backlog) is not joined by another.
    let sweeping = false;
    const sweep = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      sweepExpired(runtime.context)
        .then(
          (deleted) => app?.log.debug({ deleted }, 'expired rows deleted'),
          (error: unknown) => app?.log.error({ err: error }, 'housekeeping sweep failed'),
        )
        .finally(() => {
          sweeping = false;
        });
    }, 60_000);
    sweep.unref();
    const address = await app.listen({ host: config.host, port: config.port });
    const started = app;
    return {
      app: started,
      runtime,
      url: address,
      async stop() {
        clearInterval(pollKeys);
        clearInterval(sweep);
        await started.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await app?.close();
    await runtime.close();
    throw error;
  }
}

/** Stops gracefully on SIGTERM/SIGINT; a second signal or the timeout forces the exit. */
export function stopOnSignals(server: RunningServer, timeoutSeconds: number): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      server.app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
