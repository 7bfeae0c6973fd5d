/**
 * What the three SDK examples share: the Orders API's routes and requirements, and settings read
 * from the environment (only the entry point reads it; the apps take plain options).
 */
import type { Requirement, VerifierOptions } from '@portcullis/sdk';

export const audience = 'https://orders.example.com';

/** Route → what its token must carry. DELETE demands a recent multi-factor sign-in (RFC 9470 step-up). */
export const requirements = {
  list: { scope: 'orders:read' },
  create: { scope: 'orders:write' },
  remove: { scope: 'orders:write and not orders:readonly', acr: 'urn:portcullis:acr:mfa', max_age: 300 },
} satisfies Record<string, Requirement>;

export const orders = [
  { id: 'ord-1001', item: 'Portcullis winch', quantity: 1 },
  { id: 'ord-1002', item: 'Drawbridge chain (10 m)', quantity: 3 },
];

/** Verifier options from PORTCULLIS_ISSUER, ORDERS_AUDIENCE and, for opaque tokens, introspection credentials. */
export function verifierOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): VerifierOptions {
  const options: VerifierOptions = { issuer: env.PORTCULLIS_ISSUER ?? 'http://127.0.0.1:9000', audience: env.ORDERS_AUDIENCE ?? audience };
  if (env.ORDERS_CLIENT_ID && env.ORDERS_CLIENT_SECRET) {
    options.introspection = { client_id: env.ORDERS_CLIENT_ID, client_secret: env.ORDERS_CLIENT_SECRET };
  }
  // Behind the Portcullis gateway, accept its phantom tokens (RFC 9701 JWTs issued to the gateway).
  if (env.GATEWAY_CLIENT_ID) options.phantom = { client_id: env.GATEWAY_CLIENT_ID };
  return options;
}

export const port = (env: NodeJS.ProcessEnv = process.env) => Number(env.PORT ?? 4000);
