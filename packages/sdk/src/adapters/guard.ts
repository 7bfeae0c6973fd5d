import type { AcceptedTokens, VerifiedAccessToken } from '../access-token.ts';
import { type ErrorResponse, errorResponse } from '../challenge.ts';
import { VerificationError } from '../errors.ts';
import type { Requirement } from '../requirement.ts';
import type { AccessTokenVerifier } from '../verifier.ts';

/** How an adapter guards routes; shared by the Fastify, Express and Hono adapters. */
export interface GuardOptions {
  verifier: AccessTokenVerifier;
  /** RFC 6750 §3 realm; default: the verifier's first audience. */
  realm?: string;
  /** RFC 9728 §5.1 metadata URL named in challenges. */
  resource_metadata?: string;
  /** Per-guard overrides of the verifier's audience and accepted tokens. */
  audience?: string | readonly string[];
  tokens?: AcceptedTokens;
}

export type GuardResult = { ok: true; token: VerifiedAccessToken } | { ok: false; response: ErrorResponse };

/** A route's check, compiled once: the framework adapter passes the Authorization header and sends the answer. */
export type Guard = (authorization: string | undefined) => Promise<GuardResult>;

/** Compiles a requirement into a guard; a bad scope expression throws here, at start-up. */
export function createGuard(options: GuardOptions, requirement: Requirement = {}): Guard {
  const { verifier } = options;
  const compiled = verifier.compile(requirement);
  const challenge = { realm: options.realm ?? verifier.audience[0], resourceMetadata: options.resource_metadata };
  const check = { requirement: compiled, audience: options.audience, tokens: options.tokens };
  return async (authorization) => {
    try {
      return { ok: true, token: await verifier.verifyAccessToken({ authorization }, check) };
    } catch (error) {
      // Only verification errors are answered here; anything else is the framework's 500.
      if (error instanceof VerificationError) return { ok: false, response: errorResponse(error, challenge) };
      throw error;
    }
  };
}
