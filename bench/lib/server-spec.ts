/**
 * The servers `bench/ab.ts` and `bench/perf-pair.ts` compare, named on the command line as
 * `[node flags|]script[:arg arg][#path]`: `bench/servers/fastify-ceiling.ts:sign#/token`,
 * `../other-checkout/bench/servers/portcullis.ts`, `--max-semi-space-size=32|bench/servers/portcullis.ts`.
 */
import { type ServerChild, spawnServer } from './child.ts';
import { jwtApi, opaqueApi } from './fixtures.ts';
import { discover, type LoadRequest, tokenRequest } from './targets.ts';

export interface ServerSpec {
  spec: string;
  execArgv: string[];
  script: string;
  args: string[];
  /** The token endpoint's path, when discovery should not be asked. */
  path: string | undefined;
}

/** Parses `[flags|]script[:args][#path]`. */
export function parseServerSpec(spec: string): ServerSpec {
  const [withFlags, path] = spec.split('#') as [string, string | undefined];
  const bar = withFlags.indexOf('|');
  const flags = bar < 0 ? '' : withFlags.slice(0, bar);
  const [script, args] = withFlags.slice(bar + 1).split(':') as [string, string | undefined];
  return { spec, execArgv: flags ? flags.split(' ') : [], script, args: args ? args.split(' ') : [], path };
}

/** Starts `server` (with `extraFlags` first) and builds its token request for the JWT or the opaque API. */
export async function startTokenServer(
  server: ServerSpec,
  api: 'jwt' | 'opaque',
  extraFlags: string[] = [],
): Promise<{ child: ServerChild; request: LoadRequest }> {
  const child = await spawnServer({ script: server.script, args: server.args, execArgv: [...extraFlags, ...server.execArgv] });
  try {
    const endpoint = server.path ? `${child.url}${server.path}` : (await discover(child.url)).token_endpoint;
    return { child, request: tokenRequest(endpoint, api === 'opaque' ? opaqueApi : jwtApi) };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
