/** The admin API described in OpenAPI 3.1; a test checks it against the routes the server registers. */
export function adminOpenApiDocument(issuer: string): Record<string, unknown> {
  const error = { $ref: '#/components/responses/Error' };
  const unauthorized = { $ref: '#/components/responses/Unauthorized' };
  const forbidden = { $ref: '#/components/responses/Forbidden' };
  const read = [{ portcullis: ['admin:read'] }];
  const write = [{ portcullis: ['admin:write'] }];
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const clientId = { name: 'client_id', in: 'path', required: true, schema: { type: 'string' } };
  const identifier = {
    name: 'identifier',
    in: 'path',
    required: true,
    description: 'The API identifier, URL-encoded',
    schema: { type: 'string' },
  };
  const userId = { name: 'user_id', in: 'path', required: true, description: 'User id or username', schema: { type: 'string' } };
  const common = { '400': error, '401': unauthorized, '403': forbidden };
  return {
    openapi: '3.1.0',
    info: { title: 'Portcullis admin API', version: '1.0.0', description: 'Manage clients, APIs, users, their grants and signing keys.' },
    servers: [{ url: issuer }],
    security: [{ portcullis: [] }],
    paths: {
      '/admin/v1/clients': {
        get: {
          operationId: 'listClients',
          security: read,
          responses: { '200': json({ type: 'object', properties: { clients: { type: 'array', items: ref('Client') } } }), ...common },
        },
        post: {
          operationId: 'createClient',
          security: write,
          requestBody: { required: true, ...json(ref('ClientMetadata')) },
          responses: { '201': json(ref('CreatedClient')), ...common },
        },
      },
      '/admin/v1/clients/{client_id}': {
        parameters: [clientId],
        get: { operationId: 'getClient', security: read, responses: { '200': json(ref('Client')), '404': error, ...common } },
        put: {
          operationId: 'updateClient',
          security: write,
          requestBody: { required: true, ...json(ref('ClientMetadata')) },
          responses: { '200': json(ref('Client')), '404': error, ...common },
        },
        delete: { operationId: 'deleteClient', security: write, responses: { '204': { description: 'Deleted' }, '404': error, ...common } },
      },
      '/admin/v1/clients/{client_id}/secret': {
        parameters: [clientId],
        post: {
          operationId: 'rotateClientSecret',
          security: write,
          responses: {
            '200': json({
              type: 'object',
              required: ['client_id', 'client_secret'],
              properties: { client_id: { type: 'string' }, client_secret: { type: 'string' } },
            }),
            '404': error,
            ...common,
          },
        },
      },
      '/admin/v1/apis': {
        get: {
          operationId: 'listApis',
          security: read,
          responses: { '200': json({ type: 'object', properties: { apis: { type: 'array', items: ref('Api') } } }), ...common },
        },
        post: {
          operationId: 'createApi',
          security: write,
          requestBody: { required: true, ...json(ref('Api')) },
          responses: { '201': json(ref('Api')), ...common },
        },
      },
      '/admin/v1/apis/{identifier}': {
        parameters: [identifier],
        get: { operationId: 'getApi', security: read, responses: { '200': json(ref('Api')), '404': error, ...common } },
        put: {
          operationId: 'updateApi',
          security: write,
          requestBody: { required: true, ...json(ref('Api')) },
          responses: { '200': json(ref('Api')), '404': error, ...common },
        },
        delete: { operationId: 'deleteApi', security: write, responses: { '204': { description: 'Deleted' }, '404': error, ...common } },
      },
      '/admin/v1/users': {
        get: {
          operationId: 'listUsers',
          security: read,
          responses: { '200': json({ type: 'object', properties: { users: { type: 'array', items: ref('User') } } }), ...common },
        },
        post: {
          operationId: 'createUser',
          security: write,
          requestBody: { required: true, ...json(ref('UserInput')) },
          responses: { '201': json(ref('User')), ...common },
        },
      },
      '/admin/v1/users/{user_id}': {
        parameters: [userId],
        get: { operationId: 'getUser', security: read, responses: { '200': json(ref('User')), '404': error, ...common } },
        put: {
          operationId: 'updateUser',
          security: write,
          requestBody: { required: true, ...json(ref('UserInput')) },
          responses: { '200': json(ref('User')), '404': error, ...common },
        },
        delete: {
          operationId: 'deleteUser',
          security: write,
          responses: { '204': { description: 'Deleted, with its sessions and grants' }, '404': error, ...common },
        },
      },
      '/admin/v1/users/{user_id}/password': {
        parameters: [userId],
        post: {
          operationId: 'setUserPassword',
          security: write,
          requestBody: {
            required: true,
            ...json({ type: 'object', required: ['password'], properties: { password: { type: 'string', minLength: 8 } } }),
          },
          responses: { '204': { description: 'Password set (stored as argon2id)' }, '404': error, ...common },
        },
      },
      '/admin/v1/users/{user_id}/grants': {
        parameters: [userId],
        get: {
          operationId: 'listUserGrants',
          security: read,
          responses: {
            '200': json({ type: 'object', properties: { grants: { type: 'array', items: ref('Grant') } } }),
            '404': error,
            ...common,
          },
        },
      },
      '/admin/v1/users/{user_id}/grants/{grant_id}': {
        parameters: [userId, { name: 'grant_id', in: 'path', required: true, schema: { type: 'string' } }],
        delete: {
          operationId: 'revokeUserGrant',
          security: write,
          responses: { '204': { description: 'Grant, its refresh tokens and opaque access tokens revoked' }, '404': error, ...common },
        },
      },
      '/admin/v1/keys': {
        get: {
          operationId: 'listKeys',
          security: read,
          responses: { '200': json({ type: 'object', properties: { keys: { type: 'array', items: ref('SigningKey') } } }), ...common },
        },
      },
      '/admin/v1/keys/rotate': {
        post: {
          operationId: 'rotateKeys',
          security: write,
          requestBody: { required: false, ...json({ type: 'object', properties: { immediate: { type: 'boolean', default: false } } }) },
          responses: {
            '200': json({
              type: 'object',
              properties: { kid: { type: 'string' }, alg: { type: 'string' }, activates_at: { type: 'integer' } },
            }),
            ...common,
          },
        },
      },
    },
    components: {
      securitySchemes: {
        portcullis: {
          type: 'oauth2',
          description: `Access tokens for the audience ${issuer}/admin`,
          flows: { clientCredentials: { tokenUrl: `${issuer}/oauth2/token`, scopes: { 'admin:read': 'Read', 'admin:write': 'Write' } } },
        },
      },
      responses: {
        Error: { description: 'Error (RFC 6749 §5.2 shape)', ...json(ref('Error')) },
        Unauthorized: { description: 'Missing or invalid access token (RFC 6750)', ...json(ref('Error')) },
        Forbidden: { description: 'Access token lacks the required scope (RFC 6750)', ...json(ref('Error')) },
      },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } },
        ClientMetadata: {
          type: 'object',
          description: 'RFC 7591 client metadata',
          properties: {
            client_id: { type: 'string' },
            client_name: { type: 'string' },
            grant_types: { type: 'array', items: { enum: ['client_credentials', 'authorization_code', 'refresh_token'] } },
            response_types: { type: 'array', items: { enum: ['code'] } },
            redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
            post_logout_redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
            scope: { type: 'string' },
            token_endpoint_auth_method: { enum: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] },
            token_endpoint_auth_signing_alg: { type: 'string' },
            jwks: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } },
            jwks_uri: { type: 'string', format: 'uri' },
            dpop_bound_access_tokens: { type: 'boolean' },
          },
          additionalProperties: true,
        },
        Client: {
          allOf: [ref('ClientMetadata')],
          type: 'object',
          required: ['client_id', 'client_id_issued_at'],
          properties: { client_id_issued_at: { type: 'integer' }, updated_at: { type: 'integer' } },
        },
        CreatedClient: {
          type: 'object',
          required: ['client'],
          properties: { client: ref('Client'), client_secret: { type: 'string', description: 'Shown once; only its hash is stored' } },
        },
        Api: {
          type: 'object',
          required: ['identifier'],
          properties: {
            identifier: { type: 'string', format: 'uri', description: 'Audience / RFC 8707 resource' },
            name: { type: 'string' },
            scopes: { type: 'object', additionalProperties: { type: 'string' } },
            token_format: { enum: ['jwt', 'opaque'] },
            access_token_ttl: { type: 'integer', minimum: 1 },
            introspection_clients: { type: 'array', items: { type: 'string' } },
          },
        },
        UserInput: {
          type: 'object',
          properties: {
            username: { type: 'string' },
            password: { type: 'string', minLength: 8, description: 'On create only' },
            email: { type: ['string', 'null'] },
            email_verified: {
              type: 'boolean',
              description: 'Released as OIDC email_verified; needs an email; a new email is unverified unless set',
            },
            name: { type: ['string', 'null'] },
            roles: { type: 'array', items: { type: 'string' } },
            groups: { type: 'array', items: { type: 'string' } },
            disabled: { type: 'boolean' },
          },
        },
        User: {
          type: 'object',
          required: ['user_id', 'username'],
          properties: {
            user_id: { type: 'string' },
            username: { type: 'string' },
            email: { type: ['string', 'null'] },
            email_verified: {
              type: 'boolean',
              description: 'Released as OIDC email_verified; needs an email; a new email is unverified unless set',
            },
            name: { type: ['string', 'null'] },
            roles: { type: 'array', items: { type: 'string' } },
            groups: { type: 'array', items: { type: 'string' } },
            disabled: { type: 'boolean' },
            has_password: { type: 'boolean' },
            created_at: { type: 'integer' },
            updated_at: { type: 'integer' },
          },
        },
        Grant: {
          type: 'object',
          properties: {
            grant_id: { type: 'string' },
            client_id: { type: 'string' },
            client_name: { type: 'string' },
            scope: { type: 'string' },
            created_at: { type: 'integer' },
            last_used_at: { type: ['integer', 'null'] },
          },
        },
        SigningKey: {
          type: 'object',
          properties: {
            kid: { type: 'string' },
            alg: { type: 'string' },
            state: { enum: ['pending', 'active', 'retired', 'expired'] },
            activates_at: { type: 'integer' },
            retired_at: { type: ['integer', 'null'] },
          },
        },
      },
    },
  };
}
