import { parseArgs } from 'node:util';
import {
  createUser,
  deleteUser,
  getUser,
  listUserGrants,
  listUsers,
  revokeUserGrant,
  setUserPassword,
  updateUser,
} from '@portcullis/server';
import { positional, print, UsageError } from '../output.ts';
import { commonOptions, withRuntime } from '../runtime-options.ts';

export const usage = `portcullis users create --username <name> [--password-stdin] [--email <e> [--email-verified]] [--name <n>] [--role r]... [--group g]...
portcullis users list | show <user> | delete <user> | disable <user> | enable <user>
portcullis users verify-email <user> | unverify-email <user>
portcullis users set-password <user> --password-stdin
portcullis users grants <user> | revoke-grant <user> <grant_id>
  <user> is a user id or username. Passwords are read from standard input (never the command line)
  and stored as argon2id. All take [--config <file>] [--database <url>] [--json].`;

const columns = ['user_id', 'username', 'name', 'email', 'email_verified', 'roles', 'groups', 'disabled'];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      ...commonOptions,
      username: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      email: { type: 'string' },
      'email-verified': { type: 'boolean', default: false },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
    },
  });
  const target = () => positional(positionals, 0, `users ${action}: a user id or username`);
  return withRuntime(values, async (runtime) => {
    switch (action) {
      case 'create': {
        if (!values.username) throw new UsageError('users create needs --username');
        const input: Record<string, unknown> = { username: values.username };
        if (values['password-stdin']) input.password = await readStdin();
        if (values.email) input.email = values.email;
        if (values['email-verified']) input.email_verified = true;
        if (values.name) input.name = values.name;
        if (values.role) input.roles = values.role;
        if (values.group) input.groups = values.group;
        print(await createUser(runtime, input), { json: values.json, columns });
        return 0;
      }
      case 'list':
        print(await listUsers(runtime), { json: values.json, columns });
        return 0;
      case 'show':
        print(await getUser(runtime, target()), { json: true });
        return 0;
      case 'disable':
      case 'enable':
        print(await updateUser(runtime, target(), { disabled: action === 'disable' }), { json: values.json, columns });
        return 0;
      case 'verify-email':
      case 'unverify-email':
        print(await updateUser(runtime, target(), { email_verified: action === 'verify-email' }), { json: values.json, columns });
        return 0;
      case 'set-password':
        if (!values['password-stdin']) throw new UsageError('users set-password reads the password with --password-stdin');
        await setUserPassword(runtime, target(), await readStdin());
        process.stdout.write('password set\n');
        return 0;
      case 'delete':
        await deleteUser(runtime, target());
        process.stdout.write(`deleted ${target()}\n`);
        return 0;
      case 'grants':
        print(await listUserGrants(runtime, target()), {
          json: values.json,
          columns: ['grant_id', 'client_name', 'scope', 'last_used_at'],
        });
        return 0;
      case 'revoke-grant': {
        const grantId = positional(positionals, 1, 'users revoke-grant <user> <grant_id>: the grant_id');
        await revokeUserGrant(runtime, target(), grantId);
        process.stdout.write(`revoked ${grantId}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown users command: ${action ?? '(none)'}`);
    }
  });
}
