export { createProgram, runCli } from './program';
export type { CliDeps } from './program';
export { ApiClient, CliError } from './api-client';
