/**
 * The upstream API every target proxies to: a bare node:http server answering a small JSON
 * body, so the proxy, not the upstream, is what the benchmark measures.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from './ready.ts';

const body = JSON.stringify({ orders: [{ id: 'ord-1001', item: 'Portcullis winch', quantity: 1 }] });
const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
