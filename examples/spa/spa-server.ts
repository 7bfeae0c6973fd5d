/**
 * Serves the SPA: its page, script and stylesheet, oauth4webapi's browser build (no bundler: the
 * page's import map points `oauth4webapi` at it) and /config.json, which tells the app where
 * its issuer and API are. Every path other than a file is the page (the app routes itself).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpaSettings {
  issuer: string;
  clientId: string;
  /** Scopes to ask for, space-separated. */
  scope: string;
  /** The API's identifier (RFC 8707 resource). */
  resource: string;
  /** The URL the app calls with its access token. */
  apiUrl: string;
}

export interface SpaServer {
  /** The app's origin, e.g. http://127.0.0.1:5173. */
  origin: string;
  /** Where the authorization server sends the browser back: `<origin>/callback`. */
  redirectUri: string;
  /** Settings can be given once the authorization server's URL is known (it needs the redirect URI first). */
  configure(settings: SpaSettings): void;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** oauth4webapi's own build: one ES module without imports, served as it is. */
const oauth4webapi = fileURLToPath(import.meta.resolve('oauth4webapi'));

const files: Record<string, { path: string; type: string }> = {
  '/app.js': { path: join(here, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/app.css': { path: join(here, 'app.css'), type: 'text/css; charset=utf-8' },
  '/vendor/oauth4webapi.js': { path: oauth4webapi, type: 'text/javascript; charset=utf-8' },
};
const page = join(here, 'index.html');
/** CSP hash of the page's inline import map, its only inline script. */
const importMapHash = createHash('sha256')
  .update(/<script type="importmap">([\s\S]*?)<\/script>/.exec(await readFile(page, 'utf8'))?.[1] ?? '')
  .digest('base64');

/** Starts the SPA's static server on loopback (port 0: a free one). */
export async function startSpaServer(port = 0, host = '127.0.0.1'): Promise<SpaServer> {
  let settings: SpaSettings | undefined;
  let origin = '';
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    const headers = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // The app's script is its own and oauth4webapi; it talks to its issuer and API only.
      'content-security-policy': `default-src 'self'; script-src 'self' 'sha256-${importMapHash}'; connect-src 'self' ${
        settings ? `${new URL(settings.issuer).origin} ${new URL(settings.apiUrl).origin}` : ''
      }; frame-ancestors 'none'; base-uri 'none'`,
      'referrer-policy': 'no-referrer',
    };
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      } else if (path === '/config.json') {
        if (!settings) {
          response.writeHead(503, { ...headers, 'content-type': 'application/json' }).end('{"error":"not configured"}');
          return;
        }
        response
          .writeHead(200, { ...headers, 'content-type': 'application/json' })
          .end(JSON.stringify({ ...settings, redirectUri: `${origin}/callback` }));
      } else if (files[path]) {
        const file = files[path];
        response.writeHead(200, { ...headers, 'content-type': file.type }).end(await readFile(file.path));
      } else if (path === '/favicon.ico') {
        response.writeHead(404, headers).end();
      } else {
        response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(await readFile(page));
      }
    } catch (error) {
      response.writeHead(500, headers).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    redirectUri: `${origin}/callback`,
    configure(next) {
      settings = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
