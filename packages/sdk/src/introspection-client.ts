import { temporarilyUnavailable } from './errors.ts';
import type { Fetch } from './http.ts';
import { decodeJws } from './jose/jws.ts';

export interface IntrospectionCredentials {
  client_id: string;
  client_secret: string;
}

export type IntrospectionAnswer = { kind: 'json'; body: Record<string, unknown> } | { kind: 'jwt'; jwt: string };

export interface IntrospectionRequest {
  endpoint: string;
  credentials: IntrospectionCredentials;
  fetch: Fetch;
  timeoutMs: number;
  /** Ask for an RFC 9701 signed JWT instead of RFC 7662 JSON. */
  asJwt: boolean;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function basicCredentials({ client_id, client_secret }: IntrospectionCredentials): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(client_id)}:${encode(client_secret)}`).toString('base64')}`;
}

/**
 * Asks the issuer about a token (RFC 7662 §2.1), authenticated with client_secret_basic;
 * with `asJwt`, the answer is an RFC 9701 JWT (not yet verified). Every failure, including
 * refused credentials, is `temporarily_unavailable`: the gateway fails closed.
 */
export async function requestIntrospection(token: string, request: IntrospectionRequest): Promise<IntrospectionAnswer> {
  const accept = request.asJwt ? 'application/token-introspection+jwt' : 'application/json';
  let response: Response;
  try {
    response = await request.fetch(request.endpoint, {
      method: 'POST',
      headers: {
        authorization: basicCredentials(request.credentials),
        'content-type': 'application/x-www-form-urlencoded',
        accept,
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw temporarilyUnavailable('token introspection is unreachable', error);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const why = response.status === 401 ? 'the introspection credentials were refused' : `token introspection answered ${response.status}`;
    throw temporarilyUnavailable(why);
  }
  const text = await response.text().catch((error: unknown) => {
    throw temporarilyUnavailable('token introspection answer was cut short', error);
  });
  const type = response.headers.get('content-type') ?? '';
  if (request.asJwt) {
    if (!type.includes('token-introspection+jwt')) throw temporarilyUnavailable('token introspection did not answer a JWT');
    return { kind: 'jwt', jwt: text.trim() };
  }
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && !Array.isArray(body)) return { kind: 'json', body: body as Record<string, unknown> };
  } catch {}
  throw temporarilyUnavailable('token introspection did not answer a JSON object');
}

/** Splits the signed answer for verification; a malformed one is the issuer's fault, hence 503. */
export function decodeIntrospectionJwt(jwt: string): ReturnType<typeof decodeJws> {
  try {
    return decodeJws(jwt);
  } catch (error) {
    throw temporarilyUnavailable('token introspection answered a malformed JWT', error);
  }
}
