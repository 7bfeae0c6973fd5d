import { parseArgs } from 'node:util';
import { createApi, deleteApi, getApi, listApis } from '@portcullis/server';
import { positional, print, UsageError } from '../output.ts';
import { commonOptions, withRuntime } from '../runtime-options.ts';

export const usage = `portcullis apis create --identifier <uri> [--name <name>] [--scope name=description]...
                       [--format jwt|opaque] [--ttl <seconds>] [--introspection-client <client_id>]...
portcullis apis list | show <identifier> | delete <identifier>
  All take [--config <file>] [--database <url>] [--json].`;

const columns = ['identifier', 'name', 'token_format', 'access_token_ttl', 'scopes'];

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      ...commonOptions,
      identifier: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      format: { type: 'string' },
      ttl: { type: 'string' },
      'introspection-client': { type: 'string', multiple: true },
    },
  });
  const target = () => positional(positionals, 0, `apis ${action}: an identifier`);
  const view = (api: Record<string, unknown>) => ({ ...api, scopes: Object.keys((api.scopes as object) ?? {}).join(' ') });
  return withRuntime(values, async (runtime) => {
    switch (action) {
      case 'create': {
        if (!values.identifier) throw new UsageError('apis create needs --identifier');
        const scopes = Object.fromEntries(
          (values.scope ?? []).map((s) => {
            const at = s.indexOf('=');
            return at < 0 ? [s, s] : [s.slice(0, at), s.slice(at + 1)];
          }),
        );
        const input: Record<string, unknown> = { identifier: values.identifier, scopes };
        if (values.name) input.name = values.name;
        if (values.format) input.token_format = values.format;
        if (values.ttl) input.access_token_ttl = Number(values.ttl);
        if (values['introspection-client']) input.introspection_clients = values['introspection-client'];
        const api = await createApi(runtime, input);
        print(values.json ? api : view(api), { json: values.json, columns });
        return 0;
      }
      case 'list': {
        const apis = await listApis(runtime);
        print(values.json ? apis : apis.map(view), { json: values.json, columns });
        return 0;
      }
      case 'show':
        print(await getApi(runtime, target()), { json: true });
        return 0;
      case 'delete':
        await deleteApi(runtime, target());
        if (values.json) print({ deleted: target() }, { json: true });
        else process.stdout.write(`deleted ${target()}\n`);
        return 0;
      default:
        throw new UsageError(`unknown apis command: ${action ?? '(none)'}`);
    }
  });
}
