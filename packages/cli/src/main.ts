import { UsageError } from './output.ts';

interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}

/**
 * Every command, by name; each lives in its own file under commands/ and is loaded only when
 * run, so a command that talks HTTP does not pay for loading the server.
 */
export const commands: Record<string, () => Promise<Command>> = {
  start: () => import('./commands/start.ts'),
  migrate: () => import('./commands/migrate.ts'),
  keys: () => import('./commands/keys.ts'),
  clients: () => import('./commands/clients.ts'),
  apis: () => import('./commands/apis.ts'),
  users: () => import('./commands/users.ts'),
  gateway: () => import('./commands/gateway.ts'),
  fga: () => import('./commands/fga.ts'),
};

async function help(): Promise<string> {
  const loaded = await Promise.all(Object.values(commands).map((load) => load()));
  return `Portcullis: OAuth 2.x / OpenID Connect authorization server and permissions API\n\nUsage:\n${loaded
    .map((c) => c.usage.replace(/^/gm, '  '))
    .join('\n\n')}\n`;
}

/** Runs the `portcullis` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await help());
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`unknown command: ${name}\n\n${await help()}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    // By name: importing the classes would load the server for every command.
    const errorName = (error as Error).name;
    if (errorName === 'OAuthError') {
      process.stderr.write(`error: ${(error as { description: string }).description}\n`);
      return 1;
    }
    if (errorName === 'ConfigError') {
      process.stderr.write(`configuration error: ${(error as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
