import { ConfigError, loadConfig } from '@sluice/config';
import { createLogger } from '@sluice/observability';
import { EmbeddedRedisUnavailableError } from './embedded-redis';
import { StartupError, startSluice } from './start';

/** `npm start`: validates config once, starts the roles, and turns signals into a bounded drain. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    const running = await startSluice(config, logger);
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) return;
      signalled = true;
      logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => {
          logger.info('stopped');
          logger.flush();
          setTimeout(() => process.exit(0), 50).unref();
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  } catch (err: unknown) {
    if (err instanceof StartupError || err instanceof EmbeddedRedisUnavailableError) {
      logger.fatal(err.message);
      logger.flush();
      process.stderr.write(`\nSluice did not start: ${err.message}\n`);
      setTimeout(() => process.exit(1), 50);
      return;
    }
    throw err;
  }
}

void main();
