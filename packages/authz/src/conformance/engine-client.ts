import { createAuthzEngine } from '../engine.ts';
import { FgaError } from '../errors.ts';
import { MemoryTuples } from '../memory-tuples.ts';
import { modelFromDsl } from '../model/dsl.ts';
import { TypeSystem } from '../model/typesystem.ts';
import { validateModel } from '../model/validate.ts';
import { parseObject } from '../tuple-key.ts';
import { ClientError, type ConformanceClient } from './suite.ts';

/** Drives the engine directly over in-memory tuples: no HTTP, no SQL (for fast iteration). */
export function engineClient(): ConformanceClient {
  const engine = createAuthzEngine({ cache: false });
  const stores = new Map<string, { tuples: MemoryTuples; models: Map<string, TypeSystem> }>();
  let next = 0;
  const wrap = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof FgaError) throw new ClientError(error.code, error.message);
      throw error;
    }
  };
  const scope = (storeId: string, modelId: string) => {
    const store = stores.get(storeId);
    const typesystem = store?.models.get(modelId);
    if (!store || !typesystem) throw new Error('unknown store or model');
    return { reader: store.tuples, typesystem };
  };
  return {
    async createStore() {
      const id = `s${next++}`;
      stores.set(id, { tuples: new MemoryTuples(), models: new Map() });
      return id;
    },
    async writeModel(storeId, dsl) {
      const model = modelFromDsl(dsl);
      validateModel(model);
      const id = `m${next++}`;
      stores.get(storeId)?.models.set(id, new TypeSystem({ ...model, id }));
      return id;
    },
    async writeTuples(storeId, modelId, tuples) {
      const { typesystem } = scope(storeId, modelId);
      for (const t of tuples) typesystem.assertValidTuple(t);
      stores.get(storeId)?.tuples.add(...tuples);
    },
    check: (storeId, modelId, tuple, options) =>
      wrap(async () => (await engine.check({ ...scope(storeId, modelId), tuple, ...options })).allowed),
    listObjects: (storeId, modelId, request, options) =>
      wrap(async () => (await engine.listObjects({ ...scope(storeId, modelId), ...request, ...options })).objects),
    streamedListObjects: (storeId, modelId, request, options) =>
      wrap(async () => {
        const seen: string[] = [];
        await engine.streamObjects({ ...scope(storeId, modelId), ...request, ...options }, (o) => seen.push(o));
        return seen;
      }),
    listUsers: (storeId, modelId, request, options) =>
      wrap(async () => {
        const [type, relation] = request.filter.split('#') as [string, string | undefined];
        const object = parseObject(request.object);
        if (!object) throw new FgaError('validation_error', 'invalid object');
        return (
          await engine.listUsers({
            ...scope(storeId, modelId),
            object,
            relation: request.relation,
            filters: [{ type, relation }],
            ...options,
          })
        ).users;
      }),
  };
}
