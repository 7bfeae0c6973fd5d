export { parseGatewaySettings } from './config/parse.ts';
export { GatewayConfigError } from './config/reader.ts';
export { type GatewaySettings, gatewayDefaults, type OpenApiSource, type RouteSettings } from './config/settings.ts';
export { watchConfigFile } from './config-watch.ts';
export { type GatewayOptions, type RunningGateway, startGateway } from './gateway.ts';
export { GatewayMetrics } from './metrics.ts';
export { loadOpenApiDocument, routesFromOpenApi, securityToScope } from './openapi/import.ts';
