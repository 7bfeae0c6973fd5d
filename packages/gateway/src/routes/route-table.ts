import type { CompiledRoute } from './compiled-route.ts';
import { bySpecificity } from './path-pattern.ts';

export interface RouteMatch {
  route: CompiledRoute;
  params: Record<string, string>;
}

/**
 * The routes in matching order: the most specific path first (literal segments before
 * `:params` before `*`), and among equals the one listed first.
 */
export class RouteTable {
  readonly routes: readonly CompiledRoute[];

  constructor(routes: readonly CompiledRoute[]) {
    this.routes = [...routes].sort((a, b) => bySpecificity(a.pattern, b.pattern));
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.methods && !route.methods.has(method)) continue;
      const params = route.pattern.match(path);
      if (params) return { route, params };
    }
    return undefined;
  }
}
