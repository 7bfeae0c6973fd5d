import { invalidRequest } from './errors.ts';

/** A parsed `application/x-www-form-urlencoded` body: repeated names become arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

/** One parameter; RFC 6749 §3.1/§3.2: parameters must not be repeated, empty counts as absent. */
export function param(body: FormBody, name: string): string | undefined {
  const value = body[name];
  if (Array.isArray(value)) throw invalidRequest(`parameter ${name} must not be repeated`);
  return value === '' ? undefined : value;
}

export function requiredParam(body: FormBody, name: string): string {
  const value = param(body, name);
  if (value === undefined) throw invalidRequest(`parameter ${name} is required`);
  return value;
}

/** A parameter that may repeat (RFC 8707 `resource`), as a list. */
export function paramList(body: FormBody, name: string): string[] {
  const value = body[name];
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
