import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { VerifiedAccessToken } from './access-token.ts';
import type { VerificationError } from './errors.ts';
import { checkRequirement, compileRequirement } from './requirement.ts';

const now = 2_000_000_000;
const token = (claims: Record<string, unknown>, scopes: string[] = ['read']): VerifiedAccessToken => ({
  format: 'jwt',
  claims,
  audience: ['api'],
  scopes: new Set(scopes),
  expiresAt: now + 60,
});
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error as VerificationError;
  }
  return undefined;
};

describe('route requirements (RFC 6750 §3.1, RFC 9470)', () => {
  it('a missing scope is refused before authentication strength is looked at', () => {
    const requirement = compileRequirement({ scope: 'write', acr: 'mfa' });
    assert.equal(refusal(() => checkRequirement(token({ acr: 'pwd' }), requirement, now, 0))?.code, 'insufficient_scope');
  });

  it('with acr levels, a stronger acr satisfies a weaker demand', () => {
    const requirement = compileRequirement({ acr: 'mfa' }, ['pwd', 'mfa', 'phr']);
    assert.equal(
      refusal(() => checkRequirement(token({ acr: 'phr' }), requirement, now, 0)),
      undefined,
    );
    assert.equal(refusal(() => checkRequirement(token({ acr: 'pwd' }), requirement, now, 0))?.params.acr_values, 'mfa');
  });

  it('without levels, only the listed acr values are accepted', () => {
    const requirement = compileRequirement({ acr: ['mfa', 'phr'] });
    assert.equal(
      refusal(() => checkRequirement(token({ acr: 'phr' }), requirement, now, 0)),
      undefined,
    );
    const error = refusal(() => checkRequirement(token({}), requirement, now, 0));
    assert.equal(error?.code, 'insufficient_user_authentication');
    assert.equal(error?.params.acr_values, 'mfa phr');
  });

  it('max_age needs an auth_time within it, allowing for clock skew', () => {
    const requirement = compileRequirement({ max_age: 300 });
    assert.equal(
      refusal(() => checkRequirement(token({ auth_time: now - 305 }), requirement, now, 10)),
      undefined,
    );
    assert.deepEqual(refusal(() => checkRequirement(token({ auth_time: now - 400 }), requirement, now, 10))?.params, { max_age: 300 });
    assert.equal(refusal(() => checkRequirement(token({}), requirement, now, 10))?.status, 401);
  });
});
