import type { CorsSettings } from './config/settings.ts';

/** The Fetch standard's CORS protocol for browser clients, per configured origins. */
export class CorsPolicy {
  readonly #settings: CorsSettings;
  readonly #anyOrigin: boolean;
  readonly #origins: ReadonlySet<string>;
  readonly #allowHeaders: ReadonlySet<string>;
  readonly #exposed: string;

  constructor(settings: CorsSettings) {
    this.#settings = settings;
    this.#anyOrigin = settings.origins.includes('*');
    this.#origins = new Set(settings.origins);
    this.#allowHeaders = new Set(settings.headers);
    this.#exposed = settings.expose_headers.join(', ');
  }

  allows(origin: string): boolean {
    return this.#anyOrigin || this.#origins.has(origin);
  }

  /** Headers for an actual response to `origin`; none for an origin not allowed. */
  responseHeaders(origin: string | undefined): Record<string, string> | undefined {
    if (origin === undefined || !this.allows(origin)) return undefined;
    const headers: Record<string, string> = { 'access-control-allow-origin': this.#anyOrigin ? '*' : origin, vary: 'origin' };
    if (this.#settings.credentials) headers['access-control-allow-credentials'] = 'true';
    if (this.#exposed) headers['access-control-expose-headers'] = this.#exposed;
    return headers;
  }

  /**
   * The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`): 204 with the
   * allowed methods and headers when everything asked for is allowed, else 204 without CORS
   * headers, which the browser treats as a refusal.
   */
  preflight(origin: string, method: string, requestHeaders: string | undefined): Record<string, string> {
    const asked = (requestHeaders ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (!this.allows(origin) || !this.#settings.methods.includes(method.toUpperCase()) || asked.some((h) => !this.#allowHeaders.has(h))) {
      return { vary: 'origin' };
    }
    const headers: Record<string, string> = {
      'access-control-allow-origin': this.#anyOrigin ? '*' : origin,
      'access-control-allow-methods': this.#settings.methods.join(', '),
      'access-control-allow-headers': this.#settings.headers.join(', '),
      'access-control-max-age': String(this.#settings.max_age),
      vary: 'origin',
    };
    if (this.#settings.credentials) headers['access-control-allow-credentials'] = 'true';
    return headers;
  }
}
