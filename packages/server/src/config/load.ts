import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, listKeys, type Section, type Setting } from './schema.ts';
import type { Config } from './types.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isSetting(node: Setting | Section): node is Setting {
  return typeof (node as Setting).type === 'string' && typeof (node as Setting).description === 'string';
}

/** Every setting with its dotted path, in declaration order. */
export function settings(section: Section = configSchema, prefix = ''): Array<{ path: string; setting: Setting }> {
  return Object.entries(section).flatMap(([key, node]) =>
    isSetting(node) ? [{ path: `${prefix}${key}`, setting: node }] : settings(node, `${prefix}${key}.`),
  );
}

/** PORTCULLIS_KEYS_ENCRYPTION_KEY for keys.encryption_key. */
export function envName(path: string): string {
  return `PORTCULLIS_${path.replace(/\./g, '_').toUpperCase()}`;
}

/** `${VAR}` in string values is replaced from the environment; a missing variable is an error. */
function expand(value: unknown, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) throw new ConfigError(`${path || 'config'}: environment variable ${name} is not set`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expand(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, env, path ? `${path}.${k}` : k)]));
  }
  return value;
}

function getPath(object: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), object);
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

function coerce(path: string, setting: Setting, raw: unknown, fromEnv: boolean): unknown {
  if (setting.type === 'integer') {
    const value = fromEnv && typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new ConfigError(`${path}: must be an integer`);
    if (setting.min !== undefined && value < setting.min) throw new ConfigError(`${path}: must be at least ${setting.min}`);
    if (setting.max !== undefined && value > setting.max) throw new ConfigError(`${path}: must be at most ${setting.max}`);
    return value;
  }
  if (setting.type === 'boolean') {
    const value = fromEnv && typeof raw === 'string' ? ({ true: true, false: false } as Record<string, boolean>)[raw] : raw;
    if (typeof value !== 'boolean') throw new ConfigError(`${path}: must be true or false`);
    return value;
  }
  if (typeof raw !== 'string') throw new ConfigError(`${path}: must be a string`);
  if (setting.enum && !setting.enum.includes(raw)) throw new ConfigError(`${path}: must be one of ${setting.enum.join(', ')}`);
  return raw;
}

function rejectUnknown(input: Record<string, unknown>, section: Section, prefix: string): void {
  for (const [key, value] of Object.entries(input)) {
    const path = `${prefix}${key}`;
    if (!prefix && (listKeys as readonly string[]).includes(key)) continue;
    const node = (section as Record<string, Setting | Section | undefined>)[key];
    if (!node) throw new ConfigError(`${path}: unknown setting`);
    if (!isSetting(node)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${path}: must be a mapping`);
      rejectUnknown(value as Record<string, unknown>, node, `${path}.`);
    }
  }
}

export interface LoadOptions {
  /** Path of a YAML or JSON file; none means defaults plus environment. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides by dotted path (`--port` → port). */
  overrides?: Record<string, unknown>;
  /** Content as if read from a file (tests, embedding). Merged under the file's. */
  inline?: Record<string, unknown>;
}

/** Reads, expands, overrides, validates and freezes the configuration. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  let input: Record<string, unknown> = { ...options.inline };
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = options.file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new ConfigError(`${options.file}: ${(error as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new ConfigError(`${options.file}: the top level must be a mapping`);
    }
    input = { ...input, ...(expand(parsed ?? {}, env, '') as Record<string, unknown>) };
  }
  rejectUnknown(input, configSchema, '');
  const config: Record<string, unknown> = {};
  for (const { path, setting } of settings()) {
    const fromEnv = env[envName(path)];
    const override = options.overrides?.[path];
    let value: unknown;
    if (override !== undefined) value = coerce(path, setting, override, typeof override === 'string');
    else if (fromEnv !== undefined) value = coerce(`${path} (${envName(path)})`, setting, fromEnv, true);
    else if (getPath(input, path) !== undefined) value = coerce(path, setting, getPath(input, path), false);
    else value = 'default' in setting ? setting.default : undefined;
    if (value !== undefined) setPath(config, path, value);
  }
  for (const key of ['clients', 'apis', 'users'] as const) {
    const list = input[key] ?? [];
    if (!Array.isArray(list) || list.some((e) => !e || typeof e !== 'object' || Array.isArray(e))) {
      throw new ConfigError(`${key}: must be a list of mappings`);
    }
    config[key] = list;
  }
  if (input.gateway !== undefined) config.gateway = input.gateway;
  config.fga ??= {};
  if (config.issuer === undefined) config.issuer = `http://${config.host}:${config.port}`;
  const issuer = String(config.issuer);
  try {
    const url = new URL(issuer);
    if (url.search || url.hash) throw new Error('query or fragment');
  } catch {
    throw new ConfigError('issuer: must be an absolute http(s) URL without query or fragment');
  }
  config.issuer = issuer.replace(/\/+$/, '');
  return deepFreeze(config) as unknown as Config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
