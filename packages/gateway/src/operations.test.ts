import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseGatewaySettings } from './config/parse.ts';
import { watchConfigFile } from './config-watch.ts';
import { get, type Stack, startStack, suiteGatewayConfig } from './test-support.ts';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(() => stack.close());

describe('metrics (prom-client)', () => {
  it('decisions are counted per route, allowed or denied with the reason', async () => {
    const gateway = await stack.startGateway();
    await get(gateway, '/orders', { authorization: `Bearer ${stack.factory.jwt()}` });
    await get(gateway, '/orders', { authorization: `Bearer ${stack.factory.jwt({ scope: 'orders:write' })}` });
    await get(gateway, '/orders');
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /portcullis_gateway_decisions_total\{route="GET \/orders",decision="allowed",reason="token"\} 1/);
    assert.match(text, /portcullis_gateway_decisions_total\{route="GET \/orders",decision="denied",reason="insufficient_scope"\} 1/);
    assert.match(text, /portcullis_gateway_decisions_total\{route="GET \/orders",decision="denied",reason="missing_token"\} 1/);
    assert.match(text, /portcullis_gateway_request_duration_seconds_count\{route="GET \/orders"\} 3/);
  });

  it('the cache hit ratio is exported per cache', async () => {
    const gateway = await stack.startGateway();
    const jwt = stack.factory.jwt();
    for (let i = 0; i < 4; i++) await get(gateway, '/orders', { authorization: `Bearer ${jwt}` });
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /portcullis_gateway_token_cache_hit_ratio\{cache="jwt"\} 0.75/);
    assert.match(text, /portcullis_gateway_token_cache_lookups_total\{cache="jwt",result="hit"\} 3/);
  });
});

describe('request limits', () => {
  it('a body over the limit is refused with 413 and never forwarded', async () => {
    const gateway = await stack.startGateway({ limits: { body_size: 1024 } });
    const before = stack.upstream.received.length;
    const response = await fetch(`${gateway.url}/public/upload`, { method: 'POST', body: 'x'.repeat(2048) });
    assert.equal(response.status, 413);
    assert.equal(stack.upstream.received.length, before);
  });

  it('a chunked body over the limit is cut off with 413', async () => {
    const gateway = await stack.startGateway({ limits: { body_size: 1024 } });
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
        controller.close();
      },
    });
    const response = await fetch(`${gateway.url}/public/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(response.status, 413);
  });

  it('a body within the limit is streamed to the upstream', async () => {
    const gateway = await stack.startGateway({ limits: { body_size: 4096 } });
    const response = await fetch(`${gateway.url}/public/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(1000) }),
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { bodyLength: number }).bodyLength, 1008);
  });
});

describe('rate limiting', () => {
  it('a client over its per-route limit gets 429 with Retry-After, and the next window lets it in', async () => {
    const gateway = await stack.startGateway({ rate_limit: { requests: 2, window: 60 } });
    const auth = { authorization: `Bearer ${stack.factory.jwt()}` };
    assert.equal((await get(gateway, '/orders', auth)).status, 200);
    assert.equal((await get(gateway, '/orders', auth)).status, 200);
    const limited = await get(gateway, '/orders', auth);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const other = { authorization: `Bearer ${stack.factory.jwt({ client_id: 'other-client' })}` };
    assert.equal((await get(gateway, '/orders', other)).status, 200, 'another client has its own budget');
    stack.clock.advance(60);
    assert.equal((await get(gateway, '/orders', auth)).status, 200);
  });

  it('with Redis, gateways share one budget per client and route', async () => {
    const shared = { redis: 'redis://127.0.0.1:6379', rate_limit: { requests: 2, window: 60 } };
    const [one, two] = [await stack.startGateway(shared), await stack.startGateway(shared)];
    const auth = { authorization: `Bearer ${stack.factory.jwt({ client_id: `client-${randomUUID()}` })}` };
    assert.equal((await get(one, '/orders', auth)).status, 200);
    assert.equal((await get(two, '/orders', auth)).status, 200);
    assert.equal((await get(one, '/orders', auth)).status, 429);
  });
});

describe('CORS for browser clients', () => {
  const cors = { cors: { origins: ['https://app.example.com'] } };

  it('a preflight from an allowed origin is answered by the gateway', async () => {
    const gateway = await stack.startGateway(cors);
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(response.headers.get('access-control-allow-headers')!, /authorization/);
  });

  it('a preflight from another origin gets no CORS headers', async () => {
    const gateway = await stack.startGateway(cors);
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  it('a refusal exposes its challenge to the browser', async () => {
    const gateway = await stack.startGateway(cors);
    const { status, headers } = await get(gateway, '/orders', { origin: 'https://app.example.com' });
    assert.equal(status, 401);
    assert.equal(headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(headers.get('access-control-expose-headers'), 'www-authenticate');
  });

  it('a proxied answer carries the CORS headers', async () => {
    const gateway = await stack.startGateway(cors);
    const { headers } = await get(gateway, '/public/x', { origin: 'https://app.example.com' });
    assert.equal(headers.get('access-control-allow-origin'), 'https://app.example.com');
  });
});

describe('hot reload', () => {
  /** GET over one kept-alive socket; resolves with status and the socket's local port. */
  function keepAliveGet(agent: Agent, url: string): Promise<{ status: number; port: number }> {
    return new Promise((resolve, reject) => {
      request(url, { agent }, (response) => {
        const port = response.socket.localPort ?? 0;
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, port }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('new routes take effect without dropping open connections', async () => {
    const gateway = await stack.startGateway();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await keepAliveGet(agent, `${gateway.url}/extra`);
      assert.equal(first.status, 404);
      const raw = suiteGatewayConfig(stack.server, stack.upstream.url);
      gateway.reload(
        parseGatewaySettings({
          ...raw,
          routes: [...(raw.routes as unknown[]), { path: '/extra', upstream: stack.upstream.url, auth: 'none' }],
        }),
      );
      const second = await keepAliveGet(agent, `${gateway.url}/extra`);
      assert.equal(second.status, 200);
      assert.equal(second.port, first.port, 'the same connection served both');
    } finally {
      agent.destroy();
    }
  });

  it('an invalid new configuration is refused and the old one stays in force', async () => {
    const gateway = await stack.startGateway();
    const raw = suiteGatewayConfig(stack.server, stack.upstream.url);
    assert.throws(
      () => gateway.reload(parseGatewaySettings({ ...raw, routes: [{ path: '/x', upstream: stack.upstream.url, scope: 'a and' }] })),
      /routes\[0\]\.scope/,
    );
    assert.equal((await get(gateway, '/public/x')).status, 200);
  });

  it('a reload that keeps the issuer settings keeps the token caches', async () => {
    const gateway = await stack.startGateway();
    const verifier = gateway.state.verifier;
    gateway.reload(parseGatewaySettings(suiteGatewayConfig(stack.server, stack.upstream.url, { cors: { origins: ['*'] } })));
    assert.equal(gateway.state.verifier, verifier);
  });

  it('a change to the config file is noticed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-gateway-'));
    const file = join(dir, 'portcullis.yaml');
    writeFileSync(file, 'gateway: {}\n');
    const changed = new Promise<void>((resolve) => {
      const stop = watchConfigFile(
        file,
        () => {
          stop();
          resolve();
        },
        10,
      );
    });
    writeFileSync(file, 'gateway: { port: 1 }\n');
    await changed;
  });
});
