export { createApp } from './app';
export type { IngressApp } from './app';
export type { IngressDeps } from './deps';
export { TRIGGER_PATHS } from './routes/trigger.route';
