/**
 * Runs the SPA example by hand: Portcullis (fixture clients, APIs and people, on a throwaway
 * SQLite database), the Orders API and the SPA, all on loopback. Open the printed URL and sign
 * in as anne / "correct horse battery staple"; Ctrl-C stops everything.
 *
 *   node examples/spa/main.ts [spa-port]
 */
import { fixtureClients, people, startTestServer, testApi } from '@portcullis/server/test-support';
import { startOrdersApi } from './orders-api.ts';
import { startSpaServer } from './spa-server.ts';

const spa = await startSpaServer(Number(process.argv[2] ?? 0));
const clients = fixtureClients().map((c) => (c.client_id === 'spa' ? { ...c, redirect_uris: [spa.redirectUri] } : c));
const server = await startTestServer({ clients });
const api = await startOrdersApi({ issuer: server.issuer, audience: testApi, allowedOrigin: spa.origin });
spa.configure({
  issuer: server.issuer,
  clientId: 'spa',
  scope: 'openid profile offline_access orders:read',
  resource: testApi,
  apiUrl: api.url,
});

console.log(`SPA:        ${spa.origin}
Portcullis: ${server.issuer} (account page: ${server.issuer}/account)
Orders API: ${api.url}
Sign in as ${people.anne.username} / ${people.anne.password}`);

process.once('SIGINT', async () => {
  await api.close();
  await server.close();
  await spa.close();
});
