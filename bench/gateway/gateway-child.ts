/** The gateway under test, in its own process: settings come as JSON in PORTCULLIS_BENCH_GATEWAY. */
import { parseGatewaySettings, startGateway } from '@portcullis/gateway';
import { announceReady } from './ready.ts';

const gateway = await startGateway(parseGatewaySettings(JSON.parse(process.env.PORTCULLIS_BENCH_GATEWAY ?? '{}')), { logger: false });
announceReady({ url: gateway.url });
const stop = () => gateway.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
