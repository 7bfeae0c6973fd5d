/**
 * Child process: checks and list-objects through `FgaService` in this process (no HTTP), on a
 * loaded store, with the service's defaults (check cache on). Check cases cycle through 20,000
 * distinct requests each, so answers are mostly computed, not cached. Prints JSON.
 *
 *   node bench/authz/in-process.ts <database url> <store id> <model id> <options json>
 */
import { FgaService } from '@portcullis/authz';
import { openStore } from '@portcullis/store';
import { type CaseName, dataset } from './dataset.ts';
import { type Measurement, measure } from './measure.ts';

const [url, storeId, modelId, optionsJson] = process.argv.slice(2);
if (!url || !storeId || !modelId) throw new Error('usage: node bench/authz/in-process.ts <database url> <store id> <model id> [options]');
const options = { latencyIterations: 5000, latencyMs: 6000, throughputMs: 3000, concurrency: 8, ...JSON.parse(optionsJson ?? '{}') };

const store = openStore(url);
const service = new FgaService(store);
const data = dataset();

const checks: Partial<Record<CaseName, Measurement>> = {};
for (const name of ['direct', 'userset', 'ttu3'] as const) {
  const cases = data.cases[name];
  checks[name] = await measure(
    async (i) => {
      const tuple_key = cases[i % cases.length] as (typeof cases)[number];
      const { allowed } = await service.check(storeId, { authorization_model_id: modelId, tuple_key });
      if (!allowed) throw new Error(`${name}: ${JSON.stringify(tuple_key)} was not allowed`);
    },
    {
      warmup: 500,
      iterations: options.latencyIterations,
      maxMs: options.latencyMs,
      concurrency: options.concurrency,
      durationMs: options.throughputMs,
    },
  );
  process.stderr.write(`  in-process ${name}: p50 ${checks[name]?.p50.toFixed(3)} ms, p99 ${checks[name]?.p99.toFixed(3)} ms\n`);
}

/** list-objects: one page (1,000 objects) and the whole streamed answer, timed over a few runs. */
async function listObjects(user: string, runs: number) {
  const request = { authorization_model_id: modelId, type: 'document', relation: 'viewer', user };
  const page = await measure(() => service.listObjects(storeId, request), {
    iterations: runs,
    maxMs: 20_000,
    concurrency: 1,
    durationMs: 0,
  });
  let objects = 0;
  const streamed = await measure(
    async () => {
      objects = 0;
      await service.streamListObjects(storeId, request, () => objects++);
    },
    { iterations: runs, maxMs: 20_000, concurrency: 1, durationMs: 0 },
  );
  const first = await service.listObjects(storeId, request);
  return { user, objects, firstPage: first.objects.length, continued: Boolean(first.continuation_token), page, streamed };
}

const listed = {
  typical: await listObjects(data.listUsers.typical, 10),
  wide: await listObjects(data.listUsers.wide, 3),
};
process.stderr.write(
  `  list-objects: ${listed.typical.objects} objects in ${listed.typical.streamed.p50.toFixed(1)} ms; ${listed.wide.objects} in ${listed.wide.streamed.p50.toFixed(0)} ms\n`,
);
await store.close();
process.stdout.write(`${JSON.stringify({ checks, listObjects: listed })}\n`);
