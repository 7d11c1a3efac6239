/**
 * `npm run worker`: queue workers only (production, many processes against one Redis). The HTTP API runs
 * in `npm start` processes.
 */
import { loadConfigOrExit } from './app/start-config';
import { createDeps, closeDeps } from './app/create-deps';
import { startBackground } from './app/background';
import { createLogger } from './shared/logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await createDeps(config, logger);
  if (deps.queue.kind === 'embedded') {
    logger.warn(
      'REDIS_URL is not set: the embedded queue is processed by `npm start` itself; this worker shares its SQLite file',
    );
  }
  const background = await startBackground(deps, { workers: true });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'worker shutting down');
    await background.stop();
    await closeDeps(deps);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  logger.info({ store: deps.stores.kind, queue: deps.queue.kind }, 'PAKN workers running');
}

void main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
