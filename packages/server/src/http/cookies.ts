/** Parses a Cookie header (RFC 6265 §5.4) into name → value; malformed pairs are skipped. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in cookies)) cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** Cookie names and attributes: `__Host-` with `Secure` on https issuers (RFC 6265bis §4.1.3.2). */
export function cookiePolicy(issuer: string) {
  const secure = issuer.startsWith('https://');
  const prefix = secure ? '__Host-' : '';
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return {
    session: `${prefix}portcullis-session`,
    csrf: `${prefix}portcullis-csrf`,
    set(name: string, value: string, maxAge?: number): string {
      return `${name}=${value}; ${attributes}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}`;
    },
    clear(name: string): string {
      return `${name}=; ${attributes}; Max-Age=0`;
    },
  };
}

export type CookiePolicy = ReturnType<typeof cookiePolicy>;
