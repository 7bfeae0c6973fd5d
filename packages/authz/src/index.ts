export { type CheckCacheOptions, cachedCheckResolver } from './check/cache.ts';
export { localChecker } from './check/local-checker.ts';
export type { CheckRequest, CheckResolver, CheckResult, Explanation, ResolutionContext } from './check/types.ts';
export { maxResolutionDepth } from './check/types.ts';
export { type CompiledCondition, compileCondition, IpAddress } from './conditions.ts';
export {
  type AuthzEngine,
  type AuthzEngineOptions,
  type BatchCheckItem,
  type BatchCheckOutcome,
  type CheckInput,
  createAuthzEngine,
  type ListObjectsInput,
  type ListUsersInput,
  type ReadScope,
} from './engine.ts';
export { FgaError, type FgaErrorCode, fgaErrorCodeOf, fgaErrorCodes, httpStatusOf } from './errors.ts';
export type { UsersetTreeNode } from './expand.ts';
export type { ListObjectsPage } from './list-objects.ts';
export type { ListUsersResult, UserFilter } from './list-users.ts';
export { MemoryTuples } from './memory-tuples.ts';
export { dslToJson, type ModelProblem, ModelSourceError, modelFromDsl, modelFromModules, validateDsl } from './model/dsl.ts';
export { type ModFile, modelToDsl, parseModFile, validateJsonModel } from './model/json-model.ts';
export type * from './model/types.ts';
export { TypeSystem } from './model/typesystem.ts';
export { validateModel } from './model/validate.ts';
export { type Consistency, FgaService, type FgaServiceOptions } from './service.ts';
export { parseObject, parseUser, type TupleKey } from './tuple-key.ts';
export { type MirrorPosition, type MirrorSource, TupleMirror, type TupleMirrorOptions, type TupleMirrorStats } from './tuple-mirror.ts';
export { memoizedReader, type TupleReader, withContextualTuples } from './tuple-reader.ts';
