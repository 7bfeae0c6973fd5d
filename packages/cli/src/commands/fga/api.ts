import type { FgaSettings } from './settings.ts';

/** An error answer of the permissions API, with OpenFGA's `code`. */
export class FgaApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'FgaApiError';
    this.status = status;
    this.code = code;
  }
}

export interface FgaApi {
  /** Calls `path` under the API URL with a JSON body; returns the parsed JSON answer. */
  request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Calls an NDJSON endpoint (streamed list-objects), passing each line's value as it arrives. */
  stream(path: string, body: unknown, onValue: (value: unknown) => void): Promise<void>;
}

/**
 * A client of the permissions API as the OpenFGA CLI talks to OpenFGA: JSON over HTTP, with a
 * pre-shared key or a Portcullis access token for `<issuer>/fga` obtained with client
 * credentials (the token endpoint is found through RFC 8414 discovery).
 */
export function fgaApi(settings: FgaSettings, fetchImpl: typeof fetch = fetch): FgaApi {
  let token: { value: string; expires: number } | undefined;

  async function bearer(refresh: boolean): Promise<string | undefined> {
    const credentials = settings.credentials;
    if (credentials.kind === 'none') return undefined;
    if (credentials.kind === 'api-key') return credentials.key;
    if (token && !refresh && token.expires > Date.now()) return token.value;
    if (!settings.apiUrl.endsWith('/fga')) throw new Error(`cannot find the issuer of ${settings.apiUrl}: the API URL must end in /fga`);
    const issuer = settings.apiUrl.slice(0, -'/fga'.length);
    // RFC 8414 §3: the issuer's metadata names its token endpoint.
    const discovery = `${issuer}/.well-known/oauth-authorization-server`;
    const metadata = await json<{ token_endpoint?: string }>(
      await fetchImpl(discovery).catch((error: Error & { cause?: { code?: string } }) => {
        throw new Error(`cannot reach ${discovery}: ${error.cause?.code ?? error.message}`);
      }),
    );
    if (!metadata.token_endpoint) throw new Error(`${issuer} does not publish a token_endpoint`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: settings.apiUrl });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (credentials.method === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both parts form-encoded before base64.
      const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${encode(credentials.clientId)}:${encode(credentials.clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', credentials.clientId);
      form.set('client_secret', credentials.clientSecret);
    }
    const response = await fetchImpl(metadata.token_endpoint, { method: 'POST', headers, body: form });
    const answer = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || !answer.access_token)
      throw new Error(
        `token request failed: ${answer.error ?? response.status}${answer.error_description ? ` (${answer.error_description})` : ''}`,
      );
    token = { value: answer.access_token, expires: Date.now() + Math.max(0, (answer.expires_in ?? 60) - 30) * 1000 };
    return token.value;
  }

  async function call(method: string, path: string, body: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const auth = await bearer(attempt > 0);
      const headers: Record<string, string> = {};
      if (auth) headers.authorization = `Bearer ${auth}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetchImpl(`${settings.apiUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch((error: Error & { cause?: { code?: string; message?: string } }) => {
        throw new Error(`cannot reach ${settings.apiUrl}: ${error.cause?.code ?? error.cause?.message ?? error.message}`);
      });
      // An expired token is fetched again once; a key or a refused client is not retried.
      if (response.status === 401 && attempt === 0 && settings.credentials.kind === 'client-credentials') {
        await response.body?.cancel();
        continue;
      }
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
        throw new FgaApiError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText);
      }
      return response;
    }
  }

  return {
    async request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const response = await call(method, path, body);
      const text = await response.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    async stream(path, body, onValue) {
      const response = await call('POST', path, body);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body ?? []) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onValue(JSON.parse(line));
          newline = buffered.indexOf('\n');
        }
      }
      if (buffered.trim()) onValue(JSON.parse(buffered));
    },
  };
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}`);
  return (await response.json()) as T;
}
