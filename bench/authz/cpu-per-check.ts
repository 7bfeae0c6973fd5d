/**
 * CPU time per check, in process, on an already loaded benchmark store: steadier than
 * throughput on a shared machine, so it is what to compare when changing the engine or the
 * store's reads. Runs each case's 20,000 distinct checks (more than the check cache holds) a few
 * times, 8 in flight, and prints this process's CPU µs per check and the wall-clock rate.
 *
 *   node bench/authz/cpu-per-check.ts <database url> <store id> <model id> [rounds] [cases, e.g. ttu3,userset]
 *
 * With `MEMORY=1` the store is held in memory first (as the server does by default), so the
 * figures are the engine's alone; without it every check reads the database.
 *
 * (Load a store once with `node bench/authz/load.ts <database url>`, which prints the ids.)
 */
import { FgaService } from '@portcullis/authz';
import { openStore } from '@portcullis/store';
import { type CaseName, dataset } from './dataset.ts';

const [url, storeId, modelId, roundsArg, casesArg] = process.argv.slice(2);
if (!url || !storeId || !modelId) throw new Error('usage: node bench/authz/cpu-per-check.ts <database url> <store id> <model id> [rounds]');
const rounds = Number(roundsArg ?? 3);
const store = openStore(url);
const inMemory = process.env.MEMORY === '1';
const service = new FgaService(store, inMemory ? { memoryTuples: 2_000_000 } : {});
if (inMemory) {
  // The first read starts the load; checks are measured once the whole store is in memory.
  await service.check(storeId, { authorization_model_id: modelId, tuple_key: dataset(1).cases.direct[0] as never });
  while ((service.memoryStats()?.ready ?? 0) < 1) await new Promise((resolve) => setTimeout(resolve, 100));
}
const data = dataset();

async function run(name: CaseName, count: number, concurrency: number): Promise<void> {
  const cases = data.cases[name];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const tuple_key = cases[next++ % cases.length] as (typeof cases)[number];
      const { allowed } = await service.check(storeId as string, { authorization_model_id: modelId, tuple_key });
      if (!allowed) throw new Error(`${name}: ${JSON.stringify(tuple_key)} was not allowed`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

for (const name of (casesArg?.split(',') ?? ['direct', 'userset', 'ttu3']) as CaseName[]) {
  await run(name, 2000, 8);
  const cpu: number[] = [];
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const count = data.cases[name].length;
    const before = process.cpuUsage();
    const started = performance.now();
    await run(name, count, 8);
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / count);
    rates.push((count / elapsed) * 1000);
  }
  const best = Math.min(...cpu);
  const median = cpu.sort((a, b) => a - b)[Math.floor(cpu.length / 2)] as number;
  process.stdout.write(
    `${name.padEnd(8)} CPU µs/check: best ${best.toFixed(1)}, median ${median.toFixed(1)}; checks/s best ${Math.max(...rates).toFixed(0)}\n`,
  );
}
await store.close();
