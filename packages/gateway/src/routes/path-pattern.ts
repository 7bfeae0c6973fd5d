/** A compiled `/orders/:id` pattern; a last `*` segment matches the rest of the path. */
export interface PathPattern {
  source: string;
  match(path: string): Record<string, string> | undefined;
  /** Sort key: literal segments outrank parameters at the same position, which outrank `*`. */
  specificity: number[];
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a route path (`/orders/:id`, `/static/*`) into a matcher over raw request paths. */
export function compilePathPattern(source: string): PathPattern {
  const names: string[] = [];
  const specificity: number[] = [];
  const segments = source === '/' ? [''] : source.slice(1).split('/');
  let expression = '';
  for (const [i, segment] of segments.entries()) {
    if (segment === '*' && i === segments.length - 1) {
      names.push('*');
      expression += '(?:/(.*))?';
      specificity.push(0);
    } else if (segment.startsWith(':')) {
      names.push(segment.slice(1));
      expression += '/([^/]+)';
      specificity.push(1);
    } else {
      expression += `/${escapeRegExp(segment)}`;
      specificity.push(2);
    }
  }
  const regex = new RegExp(`^${expression}/?$`);
  return {
    source,
    specificity,
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (const [i, name] of names.entries()) params[name] = found[i + 1] ?? '';
      return params;
    },
  };
}

/** Orders patterns most specific first, so `/orders/mine` wins over `/orders/:id`. */
export function bySpecificity(a: PathPattern, b: PathPattern): number {
  const length = Math.max(a.specificity.length, b.specificity.length);
  for (let i = 0; i < length; i++) {
    const difference = (b.specificity[i] ?? -1) - (a.specificity[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
