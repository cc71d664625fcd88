import cluster from 'node:cluster';
import { ConfigError, type SluiceConfig, loadConfig } from '@sluice/config';
import { type Tracing, createLogger, startTracing } from '@sluice/observability';
import { EmbeddedRedisUnavailableError } from './embedded-redis';
import { startPrimary } from './cluster';
import { type RunningSluice, StartupError, startSluice } from './start';

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
  if (config.processes > 1 && cluster.isPrimary) return runPrimary(config, logger);
  const tracing: Tracing | undefined = config.tracingEnabled ? await startTracing() : undefined;
  if (tracing) logger.info('OpenTelemetry tracing on (OTLP exporter, configured by OTEL_* variables)');

  // Signals are handled from the first moment: one that arrives while starting stops the
  // process as soon as the start completes, instead of killing it half-started.
  let running: RunningSluice | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    (running ? running.stop() : Promise.resolve())
      .then(() => tracing?.shutdown())
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
    running = await startSluice(config, logger);
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

/** SLUICE_PROCESSES > 1: start the children, and stop them (bounded) on a signal. */
async function runPrimary(config: SluiceConfig, logger: ReturnType<typeof createLogger>): Promise<void> {
  let stopping = false;
  let primary: Awaited<ReturnType<typeof startPrimary>> | undefined;
  const stop = () =>
    void primary!.stop().finally(() => {
      logger.info('stopped');
      logger.flush();
      setTimeout(() => process.exit(0), 50).unref();
    });
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (primary) stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    primary = await startPrimary(config, logger);
  } catch (err: unknown) {
    if (err instanceof EmbeddedRedisUnavailableError) {
      process.stderr.write(`\nSluice did not start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // A signal that arrived while starting stops the processes now that they exist.
  if (stopping) stop();
}

void main();
