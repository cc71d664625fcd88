import cluster from 'node:cluster';
import { ConfigError, type SluiceConfig, loadConfig } from '@sluice/config';
import { type Logger, type Tracing, createLogger, startTracing } from '@sluice/observability';
import { EmbeddedRedisUnavailableError } from './embedded-redis';
import { startPrimary } from './cluster';
import { StartupError, startSluice } from './start';

/** `npm start`: validates config once, starts the roles, and turns signals into a bounded drain. */
async function main(): Promise<void> {
  let config: SluiceConfig;
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
  if (config.processes > 1 && cluster.isPrimary) return runUntilSignalled(logger, () => startPrimary(config, logger));
  const tracing: Tracing | undefined = config.tracingEnabled ? await startTracing() : undefined;
  if (tracing) logger.info('OpenTelemetry tracing on (OTLP exporter, configured by OTEL_* variables)');
  return runUntilSignalled(logger, () => startSluice(config, logger), () => tracing?.shutdown());
}

/**
 * Starts a service (this process's roles, or the primary of SLUICE_PROCESSES) and turns SIGTERM
 * and SIGINT into its bounded stop. Signals are handled from the first moment: one that arrives
 * while starting stops the service as soon as the start completes, instead of killing it
 * half-started.
 */
async function runUntilSignalled(
  logger: Logger,
  start: () => Promise<{ stop(): Promise<void> }>,
  afterStop: () => Promise<unknown> | undefined = () => undefined,
): Promise<void> {
  let running: { stop(): Promise<void> } | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    (running ? running.stop() : Promise.resolve())
      .then(afterStop)
      .then(
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
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) return;
    stopRequested = signal;
    if (running) stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    running = await start();
    if (stopRequested) stop(stopRequested);
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
