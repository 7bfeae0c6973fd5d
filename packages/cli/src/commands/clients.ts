import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient, deleteClient, getClient, listClients, rotateClientSecret } from '@portcullis/server';
import { positional, print, UsageError } from '../output.ts';
import { commonOptions, withRuntime } from '../runtime-options.ts';

export const usage = `portcullis clients create [--id <client_id>] [--name <name>] [--grant-types a,b] [--scope "s1 s2"]
                          [--auth-method client_secret_basic|client_secret_post|private_key_jwt|none]
                          [--redirect-uri <uri>]... [--jwks-file <file>] [--metadata <json>]
portcullis clients list | show <client_id> | delete <client_id> | rotate-secret <client_id>
  All take [--config <file>] [--database <url>] [--json]. Secrets are printed once and stored hashed.`;

const columns = ['client_id', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'scope'];

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      ...commonOptions,
      id: { type: 'string' },
      name: { type: 'string' },
      'grant-types': { type: 'string' },
      scope: { type: 'string' },
      'auth-method': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'jwks-file': { type: 'string' },
      metadata: { type: 'string' },
    },
  });
  const target = () => positional(positionals, 0, `clients ${action}: a client_id`);
  return withRuntime(values, async (runtime) => {
    switch (action) {
      case 'create': {
        const metadata: Record<string, unknown> = values.metadata ? JSON.parse(values.metadata) : {};
        if (values.id) metadata.client_id = values.id;
        if (values.name) metadata.client_name = values.name;
        if (values['grant-types']) metadata.grant_types = values['grant-types'].split(',').map((g) => g.trim());
        if (values.scope) metadata.scope = values.scope;
        if (values['auth-method']) metadata.token_endpoint_auth_method = values['auth-method'];
        if (values['redirect-uri']) metadata.redirect_uris = values['redirect-uri'];
        if (values['jwks-file']) metadata.jwks = JSON.parse(readFileSync(values['jwks-file'], 'utf8'));
        if (!metadata.grant_types) metadata.grant_types = ['client_credentials'];
        const created = await createClient(runtime, metadata);
        if (values.json) print(created, { json: true });
        else {
          print(created.client, { json: false, columns });
          if (created.client_secret) process.stdout.write(`client_secret: ${created.client_secret}\n(shown once; store it now)\n`);
        }
        return 0;
      }
      case 'list':
        print(await listClients(runtime), { json: values.json, columns });
        return 0;
      case 'show':
        print(await getClient(runtime, target()), { json: true });
        return 0;
      case 'delete':
        await deleteClient(runtime, target());
        if (values.json) print({ deleted: target() }, { json: true });
        else process.stdout.write(`deleted ${target()}\n`);
        return 0;
      case 'rotate-secret': {
        const rotated = await rotateClientSecret(runtime, target());
        if (values.json) print(rotated, { json: true });
        else process.stdout.write(`client_secret: ${rotated.client_secret}\n(shown once; the previous secret no longer works)\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown clients command: ${action ?? '(none)'}`);
    }
  });
}
