export { type FgaErrorBody, toErrorResponse } from './errors.ts';
export { type FgaRoutesOptions, type FgaScope, fgaRoutes } from './routes.ts';
