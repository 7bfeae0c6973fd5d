/**
 * The API behind the gateway: answers every request with what it received, so you can see the
 * JWT the gateway forwarded (a phantom token for opaque ones) and the injected claim headers.
 *
 *   node examples/gateway/upstream.ts            (port 3000, or PORT)
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 3000);
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ method: request.method, url: request.url, headers: request.headers }, null, 2));
  });
}).listen(port, '127.0.0.1', () => console.log(`upstream on http://127.0.0.1:${port}`));
