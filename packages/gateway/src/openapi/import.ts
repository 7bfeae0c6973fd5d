import { readFileSync } from 'node:fs';
import { allOf, anyOf, type ScopeExpression, scope } from '@portcullis/sdk';
import { parse as parseYaml } from 'yaml';
import { GatewayConfigError } from '../config/reader.ts';
import type { OpenApiSource, RouteSettings } from '../config/settings.ts';

type Mapping = Record<string, unknown>;
/** OpenAPI 3 Security Requirement Object: scheme name → scopes (roles for non-OAuth schemes). */
type SecurityRequirement = Record<string, string[]>;

const operationMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Scheme types whose credential is a Portcullis access token. */
const tokenSchemes = new Set(['oauth2', 'openIdConnect']);

const isMapping = (value: unknown): value is Mapping => !!value && typeof value === 'object' && !Array.isArray(value);

/** Reads an OpenAPI document (YAML, or JSON by extension). */
export function loadOpenApiDocument(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(`${where}: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new GatewayConfigError(`${where}: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

/** `/orders/{order-id}` → `/orders/:order_id`; templates must be whole segments. */
function routePath(template: string, fail: (problem: string) => never): string {
  return template
    .split('/')
    .map((segment) => {
      if (!segment.includes('{')) return segment;
      const match = /^\{([^{}]+)\}$/.exec(segment);
      if (!match) fail(`path template segment ${segment} must be a whole segment`);
      return `:${match[1]!.replace(/[^A-Za-z0-9_]/g, '_')}`;
    })
    .join('/');
}

/**
 * An operation's security as a scope rule (OpenAPI 3 §4.8.30): alternatives in the list are
 * OR, the schemes within one requirement are AND, and so are their scopes. `undefined` means
 * public (no requirement, an empty list, or an empty `{}` alternative); `null` means any valid
 * token (an alternative without scopes).
 */
export function securityToScope(security: unknown, schemes: Mapping, fail: (problem: string) => never): ScopeExpression | null | undefined {
  if (security === undefined) return undefined;
  if (!Array.isArray(security)) fail('security must be a list');
  if (security.length === 0) return undefined;
  const alternatives: ScopeExpression[] = [];
  let anyToken = false;
  for (const [i, requirement] of (security as unknown[]).entries()) {
    if (!isMapping(requirement)) fail(`security[${i}] must be a mapping`);
    const entries = Object.entries(requirement as SecurityRequirement);
    if (entries.length === 0) return undefined;
    const scopes: string[] = [];
    for (const [name, list] of entries) {
      const scheme = schemes[name];
      if (!isMapping(scheme)) fail(`security[${i}] names unknown security scheme ${name}`);
      const bearer = scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer';
      if (!tokenSchemes.has(String(scheme.type)) && !bearer)
        fail(`security scheme ${name} (${String(scheme.type)}) cannot be enforced by the gateway`);
      if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) fail(`security[${i}].${name} must be a list of scopes`);
      scopes.push(...list);
    }
    if (scopes.length === 0) anyToken = true;
    else alternatives.push(allOf(...[...new Set(scopes)].map(scope)));
  }
  return anyToken ? null : anyOf(...alternatives);
}

/**
 * The routes of an OpenAPI 3 document: one per operation, forwarded to the source's upstream,
 * with the operation's (or the document's) `security` as its scope rule. The extensions
 * `x-portcullis-acr` and `x-portcullis-max-age` add a step-up requirement.
 */
export function routesFromOpenApi(document: unknown, source: OpenApiSource, where: string): RouteSettings[] {
  const fail = (problem: string): never => {
    throw new GatewayConfigError(`${where} (${source.document}): ${problem}`);
  };
  if (!isMapping(document) || typeof document.openapi !== 'string' || !document.openapi.startsWith('3.'))
    fail('is not an OpenAPI 3 document');
  const doc = document as Mapping;
  const schemes = isMapping(doc.components) && isMapping(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  if (!isMapping(doc.paths)) fail('has no paths');
  const routes: RouteSettings[] = [];
  for (const [template, item] of Object.entries(doc.paths as Mapping)) {
    if (!isMapping(item)) continue;
    const path = `${source.path_prefix}${routePath(template, (p) => fail(`paths.${template}: ${p}`))}`;
    for (const method of operationMethods) {
      const operation = item[method];
      if (!isMapping(operation)) continue;
      const at = (problem: string): never => fail(`paths.${template}.${method}: ${problem}`);
      const rule = securityToScope(operation.security ?? doc.security, schemes, at);
      const route: RouteSettings = {
        name: typeof operation.operationId === 'string' ? operation.operationId : `${method.toUpperCase()} ${path}`,
        methods: [method.toUpperCase()],
        path,
        upstream: source.upstream,
        auth: rule === undefined ? 'none' : 'required',
        audience: source.audience,
        token: source.token,
        headers: rule === undefined ? {} : source.headers,
      };
      if (rule) route.scope = rule;
      const acr = operation['x-portcullis-acr'];
      const maxAge = operation['x-portcullis-max-age'];
      if (acr !== undefined || maxAge !== undefined) {
        if (rule === undefined) at('x-portcullis-acr and x-portcullis-max-age need a security requirement');
        if (acr !== undefined)
          route.acr =
            typeof acr === 'string' ? [acr] : Array.isArray(acr) ? acr.map(String) : at('x-portcullis-acr must be a string or list');
        if (maxAge !== undefined)
          route.max_age = typeof maxAge === 'number' && Number.isInteger(maxAge) ? maxAge : at('x-portcullis-max-age must be an integer');
      }
      routes.push(route);
    }
  }
  return routes;
}
