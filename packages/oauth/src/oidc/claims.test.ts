import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UserRecord } from '@portcullis/store';
import { claimsForScopes } from './claims.ts';

const user: UserRecord = {
  user_id: 'u1',
  username: 'vera',
  email: 'vera@example.com',
  name: 'Vera',
  password_hash: null,
  roles: [],
  groups: [],
  disabled: false,
  email_verified: true,
  created_at: 1,
  updated_at: 2,
};

test('the email scope releases email_verified as the account says, and nothing without an address', () => {
  assert.deepEqual(claimsForScopes(user, ['openid', 'email']), { email: 'vera@example.com', email_verified: true });
  assert.deepEqual(claimsForScopes({ ...user, email_verified: false }, ['email']), { email: 'vera@example.com', email_verified: false });
  assert.deepEqual(claimsForScopes({ ...user, email: null, email_verified: false }, ['email']), {});
  assert.equal('email_verified' in claimsForScopes(user, ['openid', 'profile']), false, 'only with the email scope');
});
