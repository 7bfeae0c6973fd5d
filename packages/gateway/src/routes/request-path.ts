/**
 * The path to route on, or undefined when it must be refused: dot segments and encoded
 * slashes or backslashes would let a path match one route here and mean another upstream
 * (`/public/..%2Forders`), so they are never forwarded.
 */
export function routablePath(url: string): string | undefined {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path[0] !== '/') return undefined;
  if (/%2f|%5c|\\/i.test(path)) return undefined;
  let decoded = path;
  if (path.includes('%')) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  if (decoded.includes('.') && /(?:^|\/)\.{1,2}(?:\/|$)/.test(decoded)) return undefined;
  return path;
}
