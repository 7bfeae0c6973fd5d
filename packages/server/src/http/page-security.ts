import type { FormBody } from '@portcullis/oauth';
import { randomToken, safeEqual } from '@portcullis/oauth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookiePolicy } from './cookies.ts';
import { parseCookies } from './cookies.ts';

/**
 * Sends an HTML page with the headers every page carries: a strict CSP (no scripts, no inline
 * styles, no framing), no caching, no referrer to other sites. `formTargets` are origins a form here may end up
 * redirecting to (Chromium applies `form-action` to the redirects that follow a submission).
 * The referrer policy is `same-origin`, not `no-referrer`: under `no-referrer` browsers send
 * `Origin: null` with the page's own form posts, which the CSRF guard refuses.
 */
export function sendPage(reply: FastifyReply, status: number, page: string, formTargets: string[] = []): FastifyReply {
  const formAction = ["'self'", ...new Set(formTargets)].join(' ');
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .send(page);
}

/** The origin of a URL, for CSP source lists. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * CSRF protection by double submit: a random cookie, echoed in a hidden field, compared in
 * constant time; SameSite=Lax keeps the cookie off cross-site POSTs, and a foreign Origin
 * header is refused outright.
 */
export function csrfGuard(cookies: CookiePolicy, issuer: string) {
  const origin = new URL(issuer).origin;
  return {
    /** The token for a form, setting the cookie when the browser has none yet. */
    token(request: FastifyRequest, reply: FastifyReply): string {
      const existing = parseCookies(request.headers.cookie)[cookies.csrf];
      if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
      const token = randomToken();
      reply.header('set-cookie', cookies.set(cookies.csrf, token));
      return token;
    },
    verify(request: FastifyRequest, body: FormBody): boolean {
      const sentOrigin = request.headers.origin;
      if (sentOrigin !== undefined && sentOrigin !== origin) return false;
      const cookie = parseCookies(request.headers.cookie)[cookies.csrf];
      const field = body.csrf;
      return typeof cookie === 'string' && typeof field === 'string' && safeEqual(cookie, field);
    },
  };
}
