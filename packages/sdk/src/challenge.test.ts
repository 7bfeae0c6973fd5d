import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { bearerToken } from './bearer.ts';
import { bearerChallenge, errorResponse } from './challenge.ts';
import {
  insufficientScope,
  insufficientUserAuthentication,
  invalidToken,
  missingToken,
  temporarilyUnavailable,
  VerificationError,
} from './errors.ts';

describe('Bearer challenges (RFC 6750 §3, RFC 9470 §3)', () => {
  it('a request without credentials gets a challenge without an error code', () => {
    assert.equal(bearerChallenge(missingToken(), { realm: 'api' }), 'Bearer realm="api"');
  });

  it('an invalid token is 401 with error and description', () => {
    const response = errorResponse(invalidToken('the token has expired'), { realm: 'api' });
    assert.equal(response.status, 401);
    assert.equal(
      response.headers['www-authenticate'],
      'Bearer realm="api", error="invalid_token", error_description="the token has expired"',
    );
  });

  it('insufficient scope is 403 and names the scope', () => {
    const response = errorResponse(insufficientScope('orders:read'));
    assert.equal(response.status, 403);
    assert.match(response.headers['www-authenticate']!, /error="insufficient_scope", error_description="[^"]+", scope="orders:read"/);
  });

  it('a step-up challenge carries acr_values and max_age', () => {
    const header = bearerChallenge(insufficientUserAuthentication('stronger', { acr_values: 'mfa phr', max_age: 300 }));
    assert.match(header, /error="insufficient_user_authentication".*acr_values="mfa phr", max_age="300"/);
  });

  it('the resource metadata URL is named when configured (RFC 9728 §5.1)', () => {
    assert.match(
      bearerChallenge(missingToken(), { resourceMetadata: 'https://api/.well-known/oauth-protected-resource' }),
      /resource_metadata="https:\/\/api/,
    );
  });

  it('quotes and backslashes in descriptions are escaped', () => {
    assert.match(bearerChallenge(new VerificationError('invalid_token', 'say "hi" \\ bye')), /error_description="say \\"hi\\" \\\\ bye"/);
  });

  it('an unreachable issuer is 503 without a challenge', () => {
    const response = errorResponse(temporarilyUnavailable('token introspection is unreachable'));
    assert.equal(response.status, 503);
    assert.equal(response.headers['www-authenticate'], undefined);
    assert.deepEqual(response.body, { error: 'temporarily_unavailable', error_description: 'token introspection is unreachable' });
  });
});

describe('Bearer credentials (RFC 6750 §2.1)', () => {
  it('the token is read from the Authorization header', () => {
    assert.equal(bearerToken('Bearer abc.def-ghi_~+/=='), 'abc.def-ghi_~+/==');
    assert.equal(bearerToken('bearer abc'), 'abc');
  });

  it('no header, or another scheme, is a missing token', () => {
    assert.throws(
      () => bearerToken(undefined),
      (e: VerificationError) => e.missingToken,
    );
    assert.throws(
      () => bearerToken('Basic dXNlcjpwYXNz'),
      (e: VerificationError) => e.missingToken,
    );
  });

  it('a malformed Bearer credential is invalid_request', () => {
    assert.throws(
      () => bearerToken('Bearer a b'),
      (e: VerificationError) => e.code === 'invalid_request' && e.status === 400,
    );
    assert.throws(
      () => bearerToken('Bearer '),
      (e: VerificationError) => e.code === 'invalid_request',
    );
  });
});
