/**
 * A Portcullis authorization server for the benchmark: the test fixture's clients and APIs on a
 * fresh SQLite database. Only the gateway's warm-up (discovery, JWKS, introspection) talks to it.
 */
import { startTestServer } from '@portcullis/server/test-support';
import { announceReady } from './ready.ts';

const server = await startTestServer();
announceReady({ url: server.issuer });
const stop = () => server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
