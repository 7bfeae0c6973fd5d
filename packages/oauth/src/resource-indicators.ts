import type { Api } from './apis.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { invalidScope, invalidTarget } from './errors.ts';
import { type FormBody, param, paramList } from './form.ts';
import { parseScope } from './scope.ts';

export interface ResolvedTarget {
  readonly api: Api;
  readonly scopes: readonly string[];
}

function allowedScopes(client: Client, api: Api): string[] {
  const registered = new Set(client.scope.split(' '));
  return Object.keys(api.scopes).filter((s) => registered.has(s));
}

/**
 * Decides the audience and scopes of a token request (RFC 8707 §2, RFC 6749 §3.3).
 * `audience` is accepted as a synonym of `resource`. Without a scope the client gets every
 * scope it is registered for on that API; without a resource, the one API the client may use.
 * A decision made before for the same client, request and API set is returned as it is, without
 * a promise; anything else (a refusal included) comes as a promise.
 */
export function resolveTarget(context: OAuthContext, client: Client, body: FormBody): ResolvedTarget | Promise<ResolvedTarget> {
  const { resource, audience, scope } = body;
  // Repeated parameters are refused or combined by the full decision, never cached.
  if (typeof resource === 'object' || typeof audience === 'object' || typeof scope === 'object') return decide(context, client, body);
  const key = `${resource ?? ''}\n${audience ?? ''}\n${scope ?? ''}`;
  const apis = context.apis.cached();
  if (apis) return decideOnce(decisionsOf(apis, client), key, context, client, body);
  return context.apis.all().then((all) => decideOnce(decisionsOf(all, client), key, context, client, body));
}

async function decide(context: OAuthContext, client: Client, body: FormBody): Promise<ResolvedTarget> {
  return resolveRequestedTarget(context, client, requestedResources(body), parseScope(param(body, 'scope')));
}

// A machine client repeats the same request: its decision is kept for as long as both the
// client's and the API set's cached objects live (each is replaced when it changes).
let decisions: { apis: Map<string, Api>; byClient: Map<string, { client: Client; byRequest: Map<string, ResolvedTarget> }> } | undefined;

/** The decisions remembered for `client` under the API set `apis`. */
function decisionsOf(apis: Map<string, Api>, client: Client): Map<string, ResolvedTarget> {
  if (decisions?.apis !== apis) decisions = { apis, byClient: new Map() };
  let remembered = decisions.byClient.get(client.client_id);
  if (remembered?.client !== client) {
    if (decisions.byClient.size >= 1024) decisions.byClient.clear();
    remembered = { client, byRequest: new Map() };
    decisions.byClient.set(client.client_id, remembered);
  }
  return remembered.byRequest;
}

function decideOnce(
  byRequest: Map<string, ResolvedTarget>,
  key: string,
  context: OAuthContext,
  client: Client,
  body: FormBody,
): ResolvedTarget | Promise<ResolvedTarget> {
  return byRequest.get(key) ?? remember(byRequest, key, decide(context, client, body));
}

async function remember(byRequest: Map<string, ResolvedTarget>, key: string, deciding: Promise<ResolvedTarget>): Promise<ResolvedTarget> {
  const decision = await deciding;
  Object.freeze(decision.scopes);
  if (byRequest.size >= 64) byRequest.clear();
  byRequest.set(key, Object.freeze(decision));
  return decision;
}

/** `resource` values of a request, with `audience` as a synonym (RFC 8707 §2). */
export function requestedResources(body: FormBody): string[] {
  return [...new Set([...paramList(body, 'resource'), ...paramList(body, 'audience')])];
}

/** The same decision from already-parsed resources and API scopes. */
export async function resolveRequestedTarget(
  context: OAuthContext,
  client: Client,
  requested: string[],
  scopes: string[],
): Promise<ResolvedTarget> {
  if (requested.length > 1) throw invalidTarget('request a token for one resource at a time');
  const apis = await context.apis.all();
  let api: Api | undefined;
  if (requested[0] !== undefined) {
    const resource = requested[0];
    if (resource.includes('#')) throw invalidTarget('resource must not contain a fragment');
    api = apis.get(resource);
    if (!api) throw invalidTarget('resource is not a known API');
  } else {
    const candidates = [...apis.values()].filter((candidate) => {
      const allowed = allowedScopes(client, candidate);
      return allowed.length > 0 && scopes.every((s) => allowed.includes(s));
    });
    if (candidates.length === 0)
      throw scopes.length ? invalidScope('requested scope is not allowed for this client') : invalidTarget('resource is required');
    if (candidates.length > 1) throw invalidTarget('resource is required: the client may obtain tokens for more than one API');
    api = candidates[0] as Api;
  }
  const allowed = allowedScopes(client, api);
  if (allowed.length === 0) throw invalidTarget('client may not obtain tokens for this resource');
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length) throw invalidScope(`scope not allowed for this client and resource: ${refused.join(' ')}`);
  return { api, scopes: scopes.length ? scopes : allowed };
}
