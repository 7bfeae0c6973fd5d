export { createApi, deleteApi, getApi, listApis, updateApi } from './admin/api-admin.ts';
export { applyConfig } from './admin/apply-config.ts';
export { createClient, deleteClient, getClient, listClients, rotateClientSecret, updateClient } from './admin/client-admin.ts';
export { listKeys, rotateKeys } from './admin/key-admin.ts';
export {
  createUser,
  deleteUser,
  getUser,
  listUserGrants,
  listUsers,
  revokeUserGrant,
  setUserPassword,
  updateUser,
} from './admin/user-admin.ts';
export { buildApp, loggerOptions } from './app.ts';
export { ConfigError, envName, loadConfig, settings } from './config/load.ts';
export { configSchema } from './config/schema.ts';
export type { Config } from './config/types.ts';
export { openRuntime, type Runtime } from './runtime.ts';
export { type RunningServer, startServer, stopOnSignals } from './server.ts';
