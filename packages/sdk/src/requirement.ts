import type { VerifiedAccessToken } from './access-token.ts';
import { insufficientScope, insufficientUserAuthentication } from './errors.ts';
import { evaluateScopeExpression, scopesToRequest } from './scope/evaluate.ts';
import type { ScopeExpression } from './scope/expression.ts';
import { parseScopeExpression } from './scope/parse.ts';

/** What a route demands of a valid token beyond its audience. */
export interface Requirement {
  /** A scope expression (`orders:read and (fido or otp)`) or an already parsed one. */
  scope?: string | ScopeExpression;
  /** Accepted `acr` values; with `acrLevels`, a value also accepts every stronger level. */
  acr?: string | readonly string[];
  /** Longest time since the user authenticated (`auth_time`), in seconds. */
  max_age?: number;
}

/** A requirement parsed once, at start-up, so requests only evaluate it. */
export interface CompiledRequirement {
  scope?: ScopeExpression;
  /** Every `acr` value that satisfies it (the demanded ones and, with levels, the stronger ones). */
  acceptedAcr?: ReadonlySet<string>;
  /** What the RFC 9470 challenge asks for. */
  acrValues?: string;
  maxAge?: number;
}

/**
 * Parses a requirement; throws `ScopeExpressionError` for a bad scope expression. `acrLevels`
 * orders `acr` values from weakest to strongest.
 */
export function compileRequirement(requirement: Requirement, acrLevels: readonly string[] = []): CompiledRequirement {
  const compiled: CompiledRequirement = {};
  if (requirement.scope !== undefined) {
    compiled.scope = typeof requirement.scope === 'string' ? parseScopeExpression(requirement.scope) : requirement.scope;
  }
  if (requirement.acr !== undefined) {
    const demanded = typeof requirement.acr === 'string' ? [requirement.acr] : [...requirement.acr];
    const accepted = new Set(demanded);
    for (const value of demanded) {
      const level = acrLevels.indexOf(value);
      if (level >= 0) for (const stronger of acrLevels.slice(level)) accepted.add(stronger);
    }
    compiled.acceptedAcr = accepted;
    compiled.acrValues = demanded.join(' ');
  }
  if (requirement.max_age !== undefined) compiled.maxAge = requirement.max_age;
  return compiled;
}

/**
 * Checks a verified token against a requirement: scopes first (RFC 6750 §3.1, 403), then how
 * and when the user authenticated (RFC 9470 §3, 401 step-up challenge). `now` in seconds.
 */
export function checkRequirement(token: VerifiedAccessToken, requirement: CompiledRequirement, now: number, skew: number): void {
  if (requirement.scope && !evaluateScopeExpression(requirement.scope, token.scopes)) {
    throw insufficientScope(scopesToRequest(requirement.scope, token.scopes));
  }
  const stepUp = {
    ...(requirement.acrValues !== undefined ? { acr_values: requirement.acrValues } : {}),
    ...(requirement.maxAge !== undefined ? { max_age: requirement.maxAge } : {}),
  };
  if (requirement.acceptedAcr) {
    const acr = token.claims.acr;
    if (typeof acr !== 'string' || !requirement.acceptedAcr.has(acr)) {
      throw insufficientUserAuthentication('a stronger authentication is required', stepUp);
    }
  }
  if (requirement.maxAge !== undefined) {
    const authTime = token.claims.auth_time;
    if (typeof authTime !== 'number' || now - authTime > requirement.maxAge + skew) {
      throw insufficientUserAuthentication('a more recent authentication is required', stepUp);
    }
  }
}
