/**
 * The load generator's two workloads, in the parent process over undici keep-alive pools:
 *
 * - the complete code flow as a browser does it: GET authorize, follow the server's redirects,
 *   fill each page's form (credentials on the page with a password field, "allow" on the
 *   other), until the redirect to the client with the code; then POST the code and PKCE
 *   verifier to the token endpoint. Each flow has its own cookie jar, so each is a new sign-in.
 * - refresh-token chains: each chain starts from its own refresh token and sends the one
 *   returned by the previous answer (rotation makes every token single-use), one request in
 *   flight per chain.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { client, formContentType, person } from './fixtures.ts';

export interface Endpoints {
  origin: string;
  authorization: string;
  token: string;
}

/** Reads the endpoints from the server's discovery document. */
export async function discover(issuer: string): Promise<Endpoints> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery at ${issuer} answered ${response.status}`);
  const metadata = (await response.json()) as { authorization_endpoint: string; token_endpoint: string };
  return { origin: new URL(issuer).origin, authorization: metadata.authorization_endpoint, token: metadata.token_endpoint };
}

export function createPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

interface Answer {
  status: number;
  location: string | undefined;
  text: string;
}

/** Cookies by name, as a browser would send them back to this one server. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(header: string | string[] | undefined): void {
    for (const line of header === undefined ? [] : [header].flat()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string | undefined {
    return this.#cookies.size ? [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }
}

async function send(pool: Pool, jar: CookieJar, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Answer> {
  const headers: Record<string, string> = {};
  const cookie = jar.header();
  if (cookie) headers.cookie = cookie;
  if (form) headers['content-type'] = formContentType;
  const response = await pool.request({ method, path, headers, body: form ? new URLSearchParams(form).toString() : undefined });
  jar.store(response.headers['set-cookie']);
  const location = response.headers.location;
  return { status: response.statusCode, location: Array.isArray(location) ? location[0] : location, text: await response.body.text() };
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The page's first POST form: where it goes and its hidden fields. */
function formOf(html: string): { action: string; fields: Record<string, string>; password: boolean } {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html);
  const action = form && /\baction="([^"]*)"/.exec(form[1] as string)?.[1];
  if (!form || !action) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of (form[2] as string).matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[unescapeHtml(name)] = unescapeHtml(value ?? '');
  }
  return { action: unescapeHtml(action), fields, password: /type="password"/.test(form[2] as string) };
}

export interface FlowOptions {
  scope: string;
  resource: string;
  /** Rewrites the login form's action (oidc-provider's sign-in without a password). */
  loginAction?: (action: string) => string;
}

export interface FlowResult {
  tokens: { access_token: string; refresh_token?: string; id_token?: string };
  /** HTTP requests the flow took, the token request included. */
  requests: number;
}

/** One complete authorization code flow with PKCE and a fresh browser (no cookies). */
export async function codeFlow(pool: Pool, endpoints: Endpoints, options: FlowOptions): Promise<FlowResult> {
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(endpoints.authorization);
  authorize.search = new URLSearchParams({
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: options.scope,
    resource: options.resource,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    ...(options.scope.split(' ').includes('openid') ? { nonce: randomBytes(16).toString('base64url') } : {}),
    // Both servers then show their consent page on every flow (and oidc-provider requires it for offline_access).
    prompt: 'consent',
  }).toString();

  let url = authorize;
  let method: 'GET' | 'POST' = 'GET';
  let form: Record<string, string> | undefined;
  let requests = 0;
  for (;;) {
    if (requests > 12) throw new Error(`the flow did not reach the client after ${requests} requests (at ${url})`);
    const answer = await send(pool, jar, method, url.pathname + url.search, form);
    requests++;
    if (answer.status >= 300 && answer.status < 400 && answer.location) {
      const next = new URL(answer.location, url);
      if (next.origin !== endpoints.origin) {
        if (!next.href.startsWith(client.redirectUri)) throw new Error(`redirected to ${next.origin}${next.pathname}`);
        const code = next.searchParams.get('code');
        if (!code || next.searchParams.get('state') !== state) throw new Error(`the client got no code: ${next.search}`);
        const token = await send(pool, jar, 'POST', new URL(endpoints.token).pathname, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirectUri,
          client_id: client.id,
          code_verifier: verifier,
        });
        requests++;
        if (token.status !== 200) throw new Error(`code exchange answered ${token.status}: ${token.text.slice(0, 200)}`);
        return { tokens: JSON.parse(token.text), requests };
      }
      url = next;
      method = 'GET';
      form = undefined;
    } else if (answer.status === 200) {
      const page = formOf(answer.text);
      let action = page.action;
      if (page.password) {
        form = { ...page.fields, username: person.username, password: person.password };
        if (options.loginAction) action = options.loginAction(action);
      } else {
        form = { ...page.fields, decision: 'allow' };
      }
      url = new URL(action, url);
      method = 'POST';
    } else {
      throw new Error(`${method} ${url.pathname} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
  }
}

export interface LoadStats {
  /** Completed operations (flows or refreshes) per second. */
  perSecond: number;
  completed: number;
  errors: number;
  firstError?: string;
  seconds: number;
  latencyMs: { p50: number; p99: number };
  /** Load generator (this process) CPU, in cores. */
  generatorCpu: number;
  /** HTTP requests per flow (code flows only). */
  requestsPerOperation?: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(
  workers: number,
  seconds: number,
  work: (worker: number, deadline: number, record: (ms: number) => void, error: (e: unknown) => void) => Promise<void>,
): Promise<LoadStats> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, (_, worker) =>
      work(
        worker,
        deadline,
        (ms) => latencies.push(ms),
        (e) => {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        },
      ),
    ),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    completed: latencies.length,
    errors,
    firstError,
    seconds: elapsed,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    generatorCpu: (used.user + used.system) / 1e6 / elapsed,
  };
}

/** `concurrency` browsers running complete code flows back to back for `seconds`. */
export async function runCodeFlows(
  pool: Pool,
  endpoints: Endpoints,
  options: FlowOptions,
  concurrency: number,
  seconds: number,
): Promise<LoadStats> {
  let requests = 0;
  const stats = await measure(concurrency, seconds, async (_worker, deadline, record, error) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const flow = await codeFlow(pool, endpoints, options);
        requests += flow.requests;
        record(performance.now() - started);
      } catch (e) {
        error(e);
      }
    }
  });
  return { ...stats, requestsPerOperation: stats.completed ? requests / stats.completed : undefined };
}

/** Mints one refresh token per chain, by complete code flows (`concurrency` at a time). */
export async function mintRefreshTokens(
  pool: Pool,
  endpoints: Endpoints,
  options: FlowOptions,
  count: number,
  concurrency: number,
): Promise<string[]> {
  const tokens: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const { tokens: minted } = await codeFlow(pool, endpoints, options);
      if (!minted.refresh_token) throw new Error('the code flow returned no refresh token');
      tokens.push(minted.refresh_token);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tokens;
}

/**
 * One chain per refresh token, each sending the token the previous answer returned, until
 * `seconds` are over. A chain whose request fails stops (its token is spent either way).
 */
export async function runRefreshChains(pool: Pool, endpoints: Endpoints, refreshTokens: string[], seconds: number): Promise<LoadStats> {
  const path = new URL(endpoints.token).pathname;
  const headers = { 'content-type': formContentType };
  return measure(refreshTokens.length, seconds, async (worker, deadline, record, error) => {
    let token = refreshTokens[worker] as string;
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await pool.request({
        method: 'POST',
        path,
        headers,
        body: `grant_type=refresh_token&client_id=${encodeURIComponent(client.id)}&refresh_token=${encodeURIComponent(token)}`,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        error(new Error(`refresh answered ${response.statusCode}: ${text.slice(0, 200)}`));
        return;
      }
      const body = JSON.parse(text) as { refresh_token?: string; id_token?: string; access_token?: string };
      if (!body.refresh_token || body.refresh_token === token || body.id_token || !body.access_token) {
        error(new Error(`refresh did not rotate as configured: ${Object.keys(body).join(', ')}`));
        return;
      }
      token = body.refresh_token;
      record(performance.now() - started);
    }
  });
}
