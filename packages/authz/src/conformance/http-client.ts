import type { FastifyInstance } from 'fastify';
import { modelFromDsl } from '../model/dsl.ts';
import { ClientError, type ConformanceClient, type QueryOptions } from './suite.ts';

/**
 * JSON with non-finite numbers written as overflowing literals (`1e999`), as the suites' YAML
 * has them: the server must see the number the test wrote, not `null`.
 */
function toJson(value: unknown): string {
  const marker = '\u0000num:';
  const text = JSON.stringify(value, (_key, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? `${marker}${v > 0 ? '1e999' : '-1e999'}` : v,
  );
  return text.replace(/"\\u0000num:(-?1e999)"/g, '$1');
}

/**
 * Drives the permission API through Fastify's `inject`: real routing, parsing and error mapping.
 * `app` may be the bare plugin or the whole server (then `headers` carries its credentials).
 */
export function httpClient(app: FastifyInstance, prefix = '', headers: Record<string, string> = {}): ConformanceClient {
  async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
    const response = await app.inject({
      method,
      url: `${prefix}${url}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: payload === undefined ? undefined : toJson(payload),
    });
    if (response.statusCode >= 400) {
      const error = response.json() as { code: string; message: string };
      throw new ClientError(error.code, error.message);
    }
    return response;
  }
  const query = (options: QueryOptions) => ({
    contextual_tuples: { tuple_keys: options.contextualTuples },
    ...(options.context ? { context: options.context } : {}),
  });
  return {
    async createStore(name) {
      return (await call('POST', '/stores', { name: name.slice(0, 64).padEnd(3, '_') })).json().id;
    },
    async writeModel(storeId, dsl) {
      const model = modelFromDsl(dsl);
      return (await call('POST', `/stores/${storeId}/authorization-models`, model)).json().authorization_model_id;
    },
    async writeTuples(storeId, modelId, tuples) {
      await call('POST', `/stores/${storeId}/write`, { authorization_model_id: modelId, writes: { tuple_keys: tuples } });
    },
    async check(storeId, modelId, tuple, options) {
      const body = { authorization_model_id: modelId, tuple_key: tuple, ...query(options) };
      return (await call('POST', `/stores/${storeId}/check`, body)).json().allowed;
    },
    async listObjects(storeId, modelId, request, options) {
      const body = { authorization_model_id: modelId, ...request, ...query(options) };
      const result = (await call('POST', `/stores/${storeId}/list-objects`, body)).json();
      if (result.continuation_token) throw new Error('list-objects was cut short');
      return result.objects;
    },
    async streamedListObjects(storeId, modelId, request, options) {
      const body = { authorization_model_id: modelId, ...request, ...query(options) };
      const response = await call('POST', `/stores/${storeId}/streamed-list-objects`, body);
      const objects: string[] = [];
      for (const line of response.body.split('\n')) {
        if (!line) continue;
        const item = JSON.parse(line) as { result?: { object: string }; error?: { code: string; message: string } };
        if (item.error) throw new ClientError(item.error.code, item.error.message);
        if (item.result) objects.push(item.result.object);
      }
      return objects;
    },
    async listUsers(storeId, modelId, request, options) {
      const [type, id] = request.object.split(':') as [string, string];
      const [filterType, filterRelation] = request.filter.split('#') as [string, string | undefined];
      const body = {
        authorization_model_id: modelId,
        object: { type, id },
        relation: request.relation,
        user_filters: [{ type: filterType, ...(filterRelation ? { relation: filterRelation } : {}) }],
        ...query(options),
      };
      const result = (await call('POST', `/stores/${storeId}/list-users`, body)).json() as {
        users: Array<{
          object?: { type: string; id: string };
          userset?: { type: string; id: string; relation: string };
          wildcard?: { type: string };
        }>;
        complete?: boolean;
      };
      if (result.complete === false) throw new Error('list-users was cut short');
      return result.users.map((u) =>
        u.object
          ? `${u.object.type}:${u.object.id}`
          : u.userset
            ? `${u.userset.type}:${u.userset.id}#${u.userset.relation}`
            : `${u.wildcard?.type}:*`,
      );
    },
  };
}
