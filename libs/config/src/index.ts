export { loadConfig, parseEncryptionKey, ConfigError } from './config';
export type { SluiceConfig, SluiceRole } from './config';
