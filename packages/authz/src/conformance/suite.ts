import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fgaErrorCodeOf } from '../errors.ts';
import type { TupleKey } from '../tuple-key.ts';

/** One file of OpenFGA's engine suites (`consolidated_1_1_tests.yaml`, `abac_tests.yaml`). */
export interface SuiteFile {
  tests: SuiteTest[];
}

export interface SuiteTest {
  name: string;
  stages: SuiteStage[];
}

interface Query {
  contextualTuples?: TupleKey[] | null;
  context?: Record<string, unknown> | null;
  errorCode?: number;
}

export interface SuiteStage {
  model: string;
  tuples?: TupleKey[] | null;
  checkAssertions?: Array<Query & { tuple: { object: string; relation: string; user: string }; expectation?: boolean }> | null;
  listObjectsAssertions?: Array<
    Query & { request: { user: string; type: string; relation: string }; expectation?: string[] | null }
  > | null;
  listUsersAssertions?: Array<
    Query & {
      request: { object: string; relation: string; filters: string[]; expectation?: unknown };
      expectation?: string[] | null;
    }
  > | null;
}

/** Raised by a client for an API error; `code` is OpenFGA's error name (`validation_error`, …). */
export class ClientError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface QueryOptions {
  contextualTuples: TupleKey[];
  context: Record<string, unknown> | undefined;
}

/** The API surface the runner drives (the HTTP plugin in CI; anything with the same answers works). */
export interface ConformanceClient {
  createStore(name: string): Promise<string>;
  writeModel(storeId: string, dsl: string): Promise<string>;
  writeTuples(storeId: string, modelId: string, tuples: TupleKey[]): Promise<void>;
  check(
    storeId: string,
    modelId: string,
    tuple: { object: string; relation: string; user: string },
    options: QueryOptions,
  ): Promise<boolean>;
  listObjects(
    storeId: string,
    modelId: string,
    request: { user: string; type: string; relation: string },
    options: QueryOptions,
  ): Promise<string[]>;
  streamedListObjects(
    storeId: string,
    modelId: string,
    request: { user: string; type: string; relation: string },
    options: QueryOptions,
  ): Promise<string[]>;
  listUsers(
    storeId: string,
    modelId: string,
    request: { object: string; relation: string; filter: string },
    options: QueryOptions,
  ): Promise<string[]>;
}

export interface Outcome {
  test: string;
  assertion: string;
  status: 'passed' | 'failed' | 'skipped';
  detail?: string;
}

export function loadSuite(path: string): SuiteFile {
  // YAML `1.8e+309` is a float overflow: keep it as Infinity so the client can send it as written.
  return parse(readFileSync(path, 'utf8')) as SuiteFile;
}

/** Upstream's second pass sends the stage's tuples as contextual tuples; it skips these stages. */
function contextualPassApplies(test: SuiteTest): boolean {
  return test.stages.length === 1 && (test.stages[0]?.tuples?.length ?? 0) <= 100;
}

const sorted = (values: string[]) => [...values].sort();
const same = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Runs every assertion of a suite as upstream's runner does: a store per test, stages in order
 * with a model each, tuples written in shuffled chunks of 40, then a second pass with the tuples
 * sent as contextual tuples, and a follow-up Check for every listed object and user.
 */
export async function runSuite(client: ConformanceClient, suite: SuiteFile, label: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [index, test] of suite.tests.entries()) {
    // Upstream's file repeats one name; number repeats so results stay distinct.
    const name = suite.tests.findIndex((t) => t.name === test.name) === index ? test.name : `${test.name} (#${index})`;
    for (const contextual of [false, true]) {
      const testName = `${label}/${name}${contextual ? '_ctxTuples' : ''}`;
      if (contextual && !contextualPassApplies(test)) continue;
      const storeId = await client.createStore(testName);
      for (const [stageIndex, stage] of test.stages.entries()) {
        const where = `${testName} stage ${stageIndex}`;
        const modelId = await client.writeModel(storeId, stage.model);
        const stageTuples = stage.tuples ?? [];
        if (!contextual) {
          const shuffled = shuffle(stageTuples, index * 31 + stageIndex);
          for (let i = 0; i < shuffled.length; i += 40) await client.writeTuples(storeId, modelId, shuffled.slice(i, i + 40));
        }
        const optionsOf = (q: Query): QueryOptions => ({
          contextualTuples: [...(q.contextualTuples ?? []), ...(contextual ? stageTuples : [])],
          context: q.context ?? undefined,
        });
        const expectError = async (
          assertion: string,
          q: Query,
          run: () => Promise<unknown>,
          verify: (value: unknown) => string | undefined | Promise<string | undefined>,
        ) => {
          const expectedCode = q.errorCode ? (fgaErrorCodeOf(q.errorCode) ?? `code ${q.errorCode}`) : undefined;
          try {
            const value = await run();
            const problem = expectedCode ? `expected error ${expectedCode}, got ${JSON.stringify(value)}` : await verify(value);
            outcomes.push({ test: where, assertion, status: problem ? 'failed' : 'passed', detail: problem });
          } catch (error) {
            const code = error instanceof ClientError ? error.code : undefined;
            const ok = expectedCode !== undefined && code === expectedCode;
            outcomes.push({
              test: where,
              assertion,
              status: ok ? 'passed' : 'failed',
              detail: ok ? undefined : `expected ${expectedCode ?? 'success'}, got ${code ?? ''} ${(error as Error).message}`,
            });
          }
        };
        for (const a of stage.checkAssertions ?? []) {
          const assertion = `check ${a.tuple.object}#${a.tuple.relation}@${a.tuple.user} ${JSON.stringify(a.context ?? {})}`;
          await expectError(
            assertion,
            a,
            () => client.check(storeId, modelId, a.tuple, optionsOf(a)),
            (allowed) => (allowed === a.expectation ? undefined : `expected ${a.expectation}, got ${allowed}`),
          );
        }
        for (const a of stage.listObjectsAssertions ?? []) {
          const r = a.request;
          const expected = a.expectation ?? [];
          for (const streamed of [false, true]) {
            const assertion = `${streamed ? 'streamed-' : ''}list-objects ${r.type}#${r.relation}@${r.user} ${JSON.stringify(a.context ?? {})}`;
            const run = () => (streamed ? client.streamedListObjects : client.listObjects).call(client, storeId, modelId, r, optionsOf(a));
            await expectError(assertion, a, run, async (value) => {
              const objects = value as string[];
              if (!same(objects, expected)) return `expected ${JSON.stringify(sorted(expected))}, got ${JSON.stringify(sorted(objects))}`;
              for (const object of objects) {
                const allowed = await client.check(storeId, modelId, { object, relation: r.relation, user: r.user }, optionsOf(a));
                if (!allowed) return `follow-up check of ${object} was not allowed`;
              }
              return undefined;
            });
          }
        }
        for (const a of stage.listUsersAssertions ?? []) {
          const r = a.request;
          // Upstream reads `expectation` only at the assertion's level (one case nests it by mistake).
          const expected = a.expectation ?? [];
          const filter = r.filters[0] as string;
          const assertion = `list-users ${r.object}#${r.relation} [${filter}] ${JSON.stringify(a.context ?? {})}`;
          await expectError(
            assertion,
            a,
            () => client.listUsers(storeId, modelId, { object: r.object, relation: r.relation, filter }, optionsOf(a)),
            async (value) => {
              const users = value as string[];
              if (!same(users, expected)) return `expected ${JSON.stringify(sorted(expected))}, got ${JSON.stringify(sorted(users))}`;
              for (const user of users) {
                const allowed = await client.check(storeId, modelId, { object: r.object, relation: r.relation, user }, optionsOf(a));
                if (!allowed) return `follow-up check of ${user} was not allowed`;
              }
              return undefined;
            },
          );
        }
      }
    }
  }
  return outcomes;
}

export function summarize(outcomes: Outcome[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: outcomes.filter((o) => o.status === 'passed').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
  };
}
