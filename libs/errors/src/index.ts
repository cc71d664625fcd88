export { ERROR_CATALOGUE, statusOf } from './catalogue';
export type { ErrorCode } from './catalogue';
export { ApiError } from './api.error';
