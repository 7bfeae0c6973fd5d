/**
 * Child process: node-casbin on the same data, as RBAC with resource roles (see `casbinModel`),
 * for the cases it can express: direct (a policy line), userset (a role held through group
 * membership) and three-level tuple-to-userset (a resource role chain document → folder →
 * folder → folder). `enforceSync`, casbin's fastest entry point. Prints JSON.
 *
 *   node bench/authz/casbin.ts <options json>
 */
import { type Adapter, type Model, newEnforcer, newModelFromString } from 'casbin';
import { type CaseName, casbinModel, casbinRule, dataset } from './dataset.ts';
import { type Measurement, measure } from './measure.ts';

const options = { latencyIterations: 2000, latencyMs: 8000, ...JSON.parse(process.argv[2] ?? '{}') };
const data = dataset();

// Policies are loaded as casbin's own adapters load them: appended to the model line by line
// (`model.addPolicy` would search every earlier line for a duplicate first).
const adapter: Adapter = {
  async loadPolicy(model: Model) {
    for (const batch of data.batches(10_000))
      for (const tuple of batch) {
        const { kind, rule } = casbinRule(tuple);
        model.model
          .get(kind === 'p' ? 'p' : 'g')
          ?.get(kind)
          ?.policy.push(rule);
      }
  },
  savePolicy: async () => false,
  addPolicy: async () => {},
  removePolicy: async () => {},
  removeFilteredPolicy: async () => {},
};

const loadStarted = performance.now();
const enforcer = await newEnforcer(newModelFromString(casbinModel), adapter);
const loadSeconds = (performance.now() - loadStarted) / 1000;
process.stderr.write(`  casbin: loaded 1,000,000 rules in ${loadSeconds.toFixed(1)} s\n`);

const checks: Partial<Record<CaseName, Measurement>> = {};
for (const name of ['direct', 'userset', 'ttu3'] as const) {
  const cases = data.cases[name];
  checks[name] = await measure(
    async (i) => {
      const c = cases[i % cases.length] as (typeof cases)[number];
      if (!enforcer.enforceSync(c.user, c.object, c.relation)) throw new Error(`casbin ${name}: ${JSON.stringify(c)} was not allowed`);
    },
    { warmup: 2, iterations: options.latencyIterations, maxMs: options.latencyMs, concurrency: 1, durationMs: 0 },
  );
  // enforceSync is synchronous: its throughput is one call after another.
  const measured = checks[name] as Measurement;
  measured.throughput = 1000 / measured.mean;
  process.stderr.write(`  casbin ${name}: ${measured.count} checks, p50 ${measured.p50.toFixed(2)} ms\n`);
}
process.stdout.write(`${JSON.stringify({ loadSeconds, checks })}\n`);
