import { invalidRequest } from '@portcullis/oauth';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateBearer } from '../http/bearer-auth.ts';
import type { Runtime } from '../runtime.ts';
import { createApi, deleteApi, getApi, listApis, updateApi } from './api-admin.ts';
import { createClient, deleteClient, getClient, listClients, rotateClientSecret, updateClient } from './client-admin.ts';
import { listKeys, rotateKeys } from './key-admin.ts';
import { adminOpenApiDocument } from './openapi.ts';
import { createUser, deleteUser, getUser, listUserGrants, listUsers, revokeUserGrant, setUserPassword, updateUser } from './user-admin.ts';

function jsonObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** REST admin API under /admin/v1, protected by Portcullis access tokens with admin scopes. */
export function adminRoutes(app: FastifyInstance, runtime: Runtime): void {
  const audience = `${runtime.config.issuer}/admin`;
  const requireScope = (scope: 'admin:read' | 'admin:write') => async (request: FastifyRequest) => {
    await authenticateBearer(runtime.context, request.headers.authorization, audience, scope);
  };
  const read = { preHandler: requireScope('admin:read') };
  const write = { preHandler: requireScope('admin:write') };
  type ClientParams = { Params: { client_id: string } };
  type ApiParams = { Params: { identifier: string } };

  app.get('/admin/v1/openapi.json', async () => adminOpenApiDocument(runtime.config.issuer));

  app.get('/admin/v1/clients', read, async () => ({ clients: await listClients(runtime) }));
  app.post('/admin/v1/clients', write, async (request, reply) => reply.code(201).send(await createClient(runtime, jsonObject(request))));
  app.get<ClientParams>('/admin/v1/clients/:client_id', read, async (request) => getClient(runtime, request.params.client_id));
  app.put<ClientParams>('/admin/v1/clients/:client_id', write, async (request) =>
    updateClient(runtime, request.params.client_id, jsonObject(request)),
  );
  app.delete<ClientParams>('/admin/v1/clients/:client_id', write, async (request, reply) => {
    await deleteClient(runtime, request.params.client_id);
    return reply.code(204).send();
  });
  app.post<ClientParams>('/admin/v1/clients/:client_id/secret', write, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return rotateClientSecret(runtime, request.params.client_id);
  });

  app.get('/admin/v1/apis', read, async () => ({ apis: await listApis(runtime) }));
  app.post('/admin/v1/apis', write, async (request, reply) => reply.code(201).send(await createApi(runtime, jsonObject(request))));
  app.get<ApiParams>('/admin/v1/apis/:identifier', read, async (request) => getApi(runtime, request.params.identifier));
  app.put<ApiParams>('/admin/v1/apis/:identifier', write, async (request) =>
    updateApi(runtime, request.params.identifier, jsonObject(request)),
  );
  app.delete<ApiParams>('/admin/v1/apis/:identifier', write, async (request, reply) => {
    await deleteApi(runtime, request.params.identifier);
    return reply.code(204).send();
  });

  type UserParams = { Params: { user_id: string } };
  app.get('/admin/v1/users', read, async () => ({ users: await listUsers(runtime) }));
  app.post('/admin/v1/users', write, async (request, reply) => reply.code(201).send(await createUser(runtime, jsonObject(request))));
  app.get<UserParams>('/admin/v1/users/:user_id', read, async (request) => getUser(runtime, request.params.user_id));
  app.put<UserParams>('/admin/v1/users/:user_id', write, async (request) =>
    updateUser(runtime, request.params.user_id, jsonObject(request)),
  );
  app.delete<UserParams>('/admin/v1/users/:user_id', write, async (request, reply) => {
    await deleteUser(runtime, request.params.user_id);
    return reply.code(204).send();
  });
  app.post<UserParams>('/admin/v1/users/:user_id/password', write, async (request, reply) => {
    await setUserPassword(runtime, request.params.user_id, jsonObject(request).password);
    return reply.code(204).send();
  });
  app.get<UserParams>('/admin/v1/users/:user_id/grants', read, async (request) => ({
    grants: await listUserGrants(runtime, request.params.user_id),
  }));
  app.delete<{ Params: { user_id: string; grant_id: string } }>(
    '/admin/v1/users/:user_id/grants/:grant_id',
    write,
    async (request, reply) => {
      await revokeUserGrant(runtime, request.params.user_id, request.params.grant_id);
      return reply.code(204).send();
    },
  );

  app.get('/admin/v1/keys', read, async () => ({ keys: await listKeys(runtime) }));
  app.post('/admin/v1/keys/rotate', write, async (request) => {
    const body = (request.body ?? {}) as { immediate?: unknown };
    if (body.immediate !== undefined && typeof body.immediate !== 'boolean') throw invalidRequest('immediate must be a boolean');
    return rotateKeys(runtime, { immediate: body.immediate === true });
  });
}
