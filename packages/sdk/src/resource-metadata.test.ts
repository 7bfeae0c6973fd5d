import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { protectedResourceMetadata, resourceMetadataPath, resourceMetadataUrl } from './resource-metadata.ts';

describe('protected resource metadata (RFC 9728)', () => {
  it('the well-known path goes between the host and the resource path', () => {
    assert.equal(resourceMetadataPath('https://api.example.com'), '/.well-known/oauth-protected-resource');
    assert.equal(resourceMetadataPath('https://example.com/orders/'), '/.well-known/oauth-protected-resource/orders');
    assert.equal(resourceMetadataUrl('https://example.com/orders'), 'https://example.com/.well-known/oauth-protected-resource/orders');
  });

  it('the document names the resource, its issuers and header-only bearer tokens', () => {
    assert.deepEqual(
      protectedResourceMetadata({
        resource: 'https://api.example.com',
        authorization_servers: ['https://issuer'],
        scopes_supported: ['a'],
      }),
      {
        bearer_methods_supported: ['header'],
        resource: 'https://api.example.com',
        authorization_servers: ['https://issuer'],
        scopes_supported: ['a'],
      },
    );
  });
});
