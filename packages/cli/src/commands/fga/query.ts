import type { Explanation } from '@portcullis/authz';
import { print, UsageError } from '../../output.ts';
import type { FgaApi } from './api.ts';
import { type FgaSettings, requireStoreId } from './settings.ts';

/** Body fields every read shares: the model, and the condition context (`--context '{"ip":"…"}'`). */
function readBody(settings: FgaSettings, context: string | undefined) {
  let parsed: unknown;
  if (context !== undefined) {
    try {
      parsed = JSON.parse(context);
    } catch {
      throw new UsageError('--context must be a JSON object');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--context must be a JSON object');
  }
  return { ...(settings.modelId ? { authorization_model_id: settings.modelId } : {}), ...(parsed ? { context: parsed } : {}) };
}

function three(positionals: string[], command: string, last: string): [string, string, string] {
  const [user, relation, target] = positionals;
  if (!user || !relation || !target || positionals.length > 3) throw new UsageError(`fga ${command} needs <user> <relation> <${last}>`);
  return [user, relation, target];
}

/** `fga check <user> <relation> <object>`. */
export async function check(api: FgaApi, settings: FgaSettings, positionals: string[], context?: string): Promise<number> {
  const [user, relation, object] = three(positionals, 'check', 'object');
  const answer = await api.request<{ allowed: boolean }>('POST', `/stores/${requireStoreId(settings)}/check`, {
    tuple_key: { user, relation, object },
    ...readBody(settings, context),
  });
  if (settings.json) print({ allowed: answer.allowed }, { json: true });
  else process.stdout.write(`${answer.allowed ? 'allowed' : 'not allowed'}\n`);
  return 0;
}

/** `fga list-objects <user> <relation> <type>`: streamed, so the list is never cut short. */
export async function listObjects(api: FgaApi, settings: FgaSettings, positionals: string[], context?: string): Promise<number> {
  const [user, relation, type] = three(positionals, 'list-objects', 'type');
  const objects: string[] = [];
  await api.stream(
    `/stores/${requireStoreId(settings)}/streamed-list-objects`,
    { user, relation, type, ...readBody(settings, context) },
    (value) => {
      const line = value as { result?: { object: string }; error?: { code: string; message: string } };
      if (line.error) throw new Error(`${line.error.code}: ${line.error.message}`);
      if (!line.result) return;
      if (settings.json) objects.push(line.result.object);
      else process.stdout.write(`${line.result.object}\n`);
    },
  );
  if (settings.json) print({ objects }, { json: true });
  return 0;
}

/** `fga explain <user> <relation> <object>`: the check, with the path that granted or the branches that failed. */
export async function explain(api: FgaApi, settings: FgaSettings, positionals: string[], context?: string): Promise<number> {
  const [user, relation, object] = three(positionals, 'explain', 'object');
  const answer = await api.request<{ allowed: boolean; explanation?: Explanation }>('POST', `/stores/${requireStoreId(settings)}/explain`, {
    tuple_key: { user, relation, object },
    ...readBody(settings, context),
  });
  if (settings.json) {
    print(answer, { json: true });
    return 0;
  }
  process.stdout.write(`${answer.allowed ? 'allowed' : 'not allowed'}: ${user} ${relation} ${object}\n`);
  if (answer.explanation) process.stdout.write(renderExplanation(answer.explanation));
  return 0;
}

/** The explanation as an indented tree, one node a line. */
export function renderExplanation(root: Explanation): string {
  const lines: string[] = [];
  const walk = (node: Explanation, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const tuple = node.tuple ? ` via ${node.tuple.object}#${node.tuple.relation}@${node.tuple.user}` : '';
    const condition = node.condition ? ` [condition ${node.condition.name} ${node.condition.met ? 'met' : 'not met'}]` : '';
    lines.push(`${prefix}${branch}${node.allowed ? '✓' : '✗'} ${node.node} (${node.rule})${tuple}${condition}`);
    const children = node.children ?? [];
    const childPrefix = top ? '' : `${prefix}${last ? '   ' : '│  '}`;
    for (const [i, child] of children.entries()) walk(child, childPrefix, i === children.length - 1, false);
  };
  walk(root, '', true, true);
  return `${lines.join('\n')}\n`;
}
