/** A configuration mistake, named by its key path (`gateway.routes[2].scope: …`). */
export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

type Mapping = Record<string, unknown>;

/** Reads one mapping of the config, each getter naming the key path in its error. */
export class Reader {
  readonly path: string;
  readonly #value: Mapping;
  readonly #known = new Set<string>();

  constructor(value: unknown, path: string) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new GatewayConfigError(`${path}: must be a mapping`);
    this.#value = value as Mapping;
    this.path = path;
  }

  fail(key: string, problem: string): never {
    throw new GatewayConfigError(`${this.path}.${key}: ${problem}`);
  }

  raw(key: string): unknown {
    this.#known.add(key);
    return this.#value[key];
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') this.fail(key, 'must be a non-empty string');
    return value;
  }

  requiredString(key: string): string {
    return this.string(key) ?? this.fail(key, 'is required');
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(value)) this.fail(key, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  integer(key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.raw(key);
    const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : (raw ?? fallback);
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(key, 'must be an integer');
    if (value < min || value > max) this.fail(key, `must be between ${min} and ${max}`);
    return value;
  }

  optionalInteger(key: string, min = 0): number | undefined {
    return this.has(key) ? this.integer(key, 0, min) : undefined;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key) ?? fallback;
    if (typeof value !== 'boolean') this.fail(key, 'must be true or false');
    return value;
  }

  /** A string or a list of strings. */
  strings(key: string): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === ''))
      this.fail(key, 'must be a string or a list of strings');
    return list as string[];
  }

  url(key: string, required: true): string;
  url(key: string, required?: false): string | undefined;
  url(key: string, required = false): string | undefined {
    const value = required ? this.requiredString(key) : this.string(key);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      this.fail(key, 'must be an absolute http(s) URL');
    }
    return value.replace(/\/+$/, '');
  }

  section(key: string): Reader | undefined {
    const value = this.raw(key);
    return value === undefined ? undefined : new Reader(value, `${this.path}.${key}`);
  }

  /** Each entry of a list of mappings. */
  list(key: string): Reader[] {
    const value = this.raw(key);
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(key, 'must be a list');
    return value.map((entry, i) => new Reader(entry, `${this.path}.${key}[${i}]`));
  }

  /** A mapping of strings to strings. */
  stringMap(key: string): Record<string, string> {
    const section = this.section(key);
    if (!section) return {};
    const result: Record<string, string> = {};
    for (const name of section.keys()) result[name] = section.requiredString(name);
    return result;
  }

  keys(): string[] {
    return Object.keys(this.#value);
  }

  /** Call after reading: a key nobody read is a typo. */
  rejectUnknown(): void {
    for (const key of Object.keys(this.#value)) if (!this.#known.has(key)) this.fail(key, 'unknown setting');
  }
}
