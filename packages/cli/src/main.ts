import { OAuthError } from '@portcullis/oauth';
import { ConfigError } from '@portcullis/server';
import * as apis from './commands/apis.ts';
import * as clients from './commands/clients.ts';
import * as gateway from './commands/gateway.ts';
import * as keys from './commands/keys.ts';
import * as migrate from './commands/migrate.ts';
import * as start from './commands/start.ts';
import * as users from './commands/users.ts';
import { UsageError } from './output.ts';

interface Command {
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Every command, by name; each lives in its own file under commands/. */
export const commands: Record<string, Command> = { start, migrate, keys, clients, apis, users, gateway };

function help(): string {
  return `Portcullis: OAuth 2.x / OpenID Connect authorization server and permissions API\n\nUsage:\n${Object.values(commands)
    .map((c) => c.usage.replace(/^/gm, '  '))
    .join('\n\n')}\n`;
}

/** Runs the `portcullis` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof OAuthError) {
      process.stderr.write(`error: ${error.description}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
