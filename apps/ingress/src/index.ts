export { createApp } from './app';
export type { IngressApp } from './app';
export type { IngressDeps } from './deps';
