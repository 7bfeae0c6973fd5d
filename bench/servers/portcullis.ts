/**
 * Portcullis as a benchmark target: a fresh SQLite database, the bench fixtures' clients and
 * APIs, and the server started as `portcullis start` starts it (pino logger at `info`,
 * request logging off), listening on a free loopback port.
 */
import { startServer } from '@portcullis/server';
import { freePort } from '@portcullis/server/test-support';
import { createSqliteDatabase } from '@portcullis/store/test-databases';
import { benchPortcullisConfig } from '../lib/portcullis-config.ts';
import { announce } from './child.ts';

const database = createSqliteDatabase();
const server = await startServer(benchPortcullisConfig(await freePort(), database.url));
announce({ url: server.url }, async () => {
  await server.stop();
  await database.drop();
});
