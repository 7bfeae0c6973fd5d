import type { VerifiedAccessToken } from '@portcullis/sdk';
import type { FastifyReply } from 'fastify';
import { BodyTooLargeError } from './body-limit.ts';
import { claimHeaderValue } from './claim-headers.ts';
import type { CompiledRoute } from './routes/compiled-route.ts';

export type ErrorBody = { error: string; error_description: string };

/** Sends one of the gateway's own JSON answers, with any challenge and CORS headers. */
export function send(
  reply: FastifyReply,
  status: number,
  body: ErrorBody,
  headers: Record<string, string> | undefined,
  cors: Record<string, string> | undefined,
): FastifyReply {
  reply.code(status);
  if (headers) reply.headers(headers);
  if (cors) reply.headers(cors);
  return reply.send(body);
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * The request headers the upstream gets: injected-header names removed from what the client
 * sent, the token forwarded as a JWT (the phantom token when the client's was opaque), the
 * route's claim headers, and the X-Forwarded-* trio.
 */
export function upstreamRequestHeaders(
  headers: Headers,
  context: {
    injected: readonly string[];
    route: CompiledRoute;
    token: VerifiedAccessToken | undefined;
    ip: string;
    protocol: string;
    host: string | undefined;
  },
): Headers {
  for (const name of context.injected) delete headers[name];
  const { token } = context;
  if (token) {
    if (token.jwt) headers.authorization = `Bearer ${token.jwt}`;
    for (const [name, claim] of context.route.claimHeaders) {
      const value = claimHeaderValue(token.claims, claim);
      if (value !== undefined) headers[name] = value;
    }
  }
  const forwarded = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${context.ip}` : context.ip;
  headers['x-forwarded-proto'] = context.protocol;
  if (context.host) headers['x-forwarded-host'] = context.host;
  return headers;
}

/** An upstream failure as the client sees it: 413 for a body cut off at the limit, 504 for a timeout, else 502. */
export function upstreamFailure(error: Error & { statusCode?: number; cause?: unknown }): {
  status: number;
  kind: string;
  body: ErrorBody;
} {
  if (error.cause instanceof BodyTooLargeError) {
    return { status: 413, kind: 'body_too_large', body: { error: 'payload_too_large', error_description: error.cause.message } };
  }
  if (error.statusCode === 504) {
    return { status: 504, kind: 'timeout', body: { error: 'gateway_timeout', error_description: 'the upstream did not answer in time' } };
  }
  return { status: 502, kind: 'connection', body: { error: 'bad_gateway', error_description: 'the upstream could not be reached' } };
}
