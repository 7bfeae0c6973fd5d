/** RFC 6750 §3: the `WWW-Authenticate: Bearer` challenge a protected resource answers with. */
export function bearerChallenge(
  realm: string,
  error?: 'invalid_token' | 'insufficient_scope',
  description?: string,
  scope?: string,
): string {
  const parts = [`realm="${realm}"`];
  if (error) parts.push(`error="${error}"`);
  // §3: quoted-string values; a double quote inside would end the value early.
  if (description) parts.push(`error_description="${description.replace(/"/g, "'")}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}
