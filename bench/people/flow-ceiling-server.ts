/**
 * The code flow's ceiling for the people benchmark: bare Fastify answering the same four
 * requests as Portcullis' flow (authorize → sign-in page, sign-in POST → consent page, consent
 * POST → redirect to the client, token), with the same argon2id verification (same library,
 * parameters and hash) on the sign-in POST and nothing else: nothing stored, nothing signed, no
 * sessions, fixed small pages. What a server that does only the flow's round trips and the
 * password check can reach on this machine, beside argon2id alone.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PasswordHasher } from '@portcullis/oauth/accounts/password-hasher';
import Fastify from 'fastify';
import { parseFormBody } from '../../packages/server/src/http/form-body.ts';
import { client, person } from './fixtures.ts';
import { announceReady } from './process.ts';

const hasher = new PasswordHasher();
const storedHash = await hasher.hash(person.password);

const app = Fastify({ logger: false });
// The same form parser as Portcullis' (packages/server/src/http/form-body.ts).
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, parseFormBody(body as string));
});
// Known once the server listens (its port is chosen then); the routes read it per request.
let issuer = '';

type Form = Record<string, string | undefined>;
const html = 'text/html; charset=utf-8';
const token = () => randomBytes(32).toString('base64url');

function page(title: string, action: string, fields: Record<string, string>, credentials: boolean): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  const inputs = credentials ? '<input name="username" autocomplete="username"><input type="password" name="password">' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><form method="post" action="${action}">${hidden}${inputs}<button name="decision" value="allow">Continue</button></form></main></body></html>`;
}

// The load generator follows the discovery document to the two endpoints.
app.get('/.well-known/openid-configuration', async () => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
}));

app.get('/authorize', async (request, reply) => {
  const state = (request.query as Form).state ?? '';
  const csrf = token();
  reply.header('set-cookie', `csrf=${csrf}; Path=/; HttpOnly; SameSite=Lax`).type(html);
  return page('Sign in', '/login', { state: encodeURIComponent(state), csrf }, true);
});

app.post('/login', async (request, reply) => {
  const form = request.body as Form;
  const cookie = request.headers.cookie ?? '';
  const valid =
    form.csrf !== undefined &&
    cookie.includes(`csrf=${form.csrf}`) &&
    form.username === person.username &&
    (await hasher.verify(storedHash, form.password ?? ''));
  if (!valid) return reply.code(400).type(html).send('<p>Sign-in failed</p>');
  reply.header('set-cookie', `session=${token()}; Path=/; HttpOnly; SameSite=Lax`).type(html);
  return page('Allow access', '/consent', { state: form.state ?? '' }, false);
});

app.post('/consent', async (request, reply) => {
  const { state = '', decision } = request.body as Form;
  if (decision !== 'allow') return reply.code(400).type(html).send('<p>Denied</p>');
  return reply.redirect(`${client.redirectUri}?code=${token()}&state=${state}&iss=${encodeURIComponent(issuer)}`, 303);
});

app.post('/token', async (_request, reply) => {
  reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).type('application/json; charset=utf-8');
  return JSON.stringify({
    access_token: token(),
    token_type: 'Bearer',
    expires_in: 300,
    refresh_token: token(),
    id_token: `${token()}.${token()}.${token()}`,
    scope: 'openid offline_access reports:read',
  });
});

await app.listen({ port: 0, host: '127.0.0.1' });
issuer = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
announceReady({ issuer }, () => app.close());
