import type { FormBody } from '@portcullis/oauth';

/** Parses `application/x-www-form-urlencoded`; repeated names become arrays (RFC 6749 §3.2 forbids most). */
export function parseFormBody(text: string): FormBody {
  const body: FormBody = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = body[name];
    if (existing === undefined) body[name] = value;
    else body[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return body;
}
