/**
 * A tiny protected API for the SPA: GET /orders with a Portcullis JWT access token (RFC 9068),
 * verified against the issuer's JWKS (`iss`, `aud`, `exp`, `typ: at+jwt`), and the `orders:read`
 * scope required. Answers RFC 6750 challenges, and CORS for the SPA's origin only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';

export interface OrdersApiSettings {
  issuer: string;
  /** The API's identifier: the `aud` its tokens must carry. */
  audience: string;
  /** The SPA's origin, the only one allowed to call from a browser. */
  allowedOrigin: string;
}

export interface OrdersApi {
  url: string;
  close(): Promise<void>;
}

const orders = [
  { id: 'ord-1001', item: 'Portcullis winch', quantity: 1 },
  { id: 'ord-1002', item: 'Drawbridge chain (10 m)', quantity: 3 },
];

export async function startOrdersApi(settings: OrdersApiSettings, port = 0, host = '127.0.0.1'): Promise<OrdersApi> {
  const jwks = jose.createRemoteJWKSet(new URL(`${settings.issuer}/.well-known/jwks.json`));
  const cors = {
    'access-control-allow-origin': settings.allowedOrigin,
    'access-control-expose-headers': 'www-authenticate',
    vary: 'origin',
  };

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    response
      .writeHead(status, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
      .end(JSON.stringify(body));

  const challenge = (response: ServerResponse, status: number, error: string, description: string) =>
    send(
      response,
      status,
      { error, error_description: description },
      { 'www-authenticate': `Bearer error="${error}", error_description="${description}"` },
    );

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'OPTIONS') {
      response
        .writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'authorization',
          'access-control-max-age': '600',
        })
        .end();
      return;
    }
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://api').pathname !== '/orders') {
      send(response, 404, { error: 'not_found' });
      return;
    }
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    if (!match) {
      response.writeHead(401, { ...cors, 'www-authenticate': 'Bearer' }).end();
      return;
    }
    let payload: jose.JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(match[1] as string, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      }));
    } catch {
      challenge(response, 401, 'invalid_token', 'the access token is not valid');
      return;
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes('orders:read')) {
      challenge(response, 403, 'insufficient_scope', 'orders:read is required');
      return;
    }
    send(response, 200, { subject: payload.sub, client: payload.client_id, orders });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, { error: 'server_error' }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/orders`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
