import { temporarilyUnavailable } from './errors.ts';

/** The WHATWG fetch signature; injected so tests answer in process. */
export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface JsonResponse {
  body: Record<string, unknown>;
  headers: Headers;
}

/** GETs a JSON object; any failure (network, status, body) is `temporarily_unavailable`. */
export async function getJson(fetch: Fetch, url: string, timeoutMs: number, what: string): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw temporarilyUnavailable(`${what} is unreachable`, error);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw temporarilyUnavailable(`${what} answered ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw temporarilyUnavailable(`${what} did not answer JSON`, error);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw temporarilyUnavailable(`${what} did not answer a JSON object`);
  return { body: body as Record<string, unknown>, headers: response.headers };
}

/** `max-age` of a Cache-Control header, in seconds, if any. */
export function maxAgeOf(headers: Headers): number | undefined {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(headers.get('cache-control') ?? '');
  return match ? Number(match[1]) : undefined;
}
