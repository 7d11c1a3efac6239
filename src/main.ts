/**
 * Composition root for `npm start`: config → adapters → HTTP app (+ in-process workers on the embedded
 * queue) → listen; SIGTERM/SIGINT close everything in order so no accepted PAKN or running job is lost.
 */
import { loadConfigOrExit } from './app/start-config';
import { createDeps, closeDeps } from './app/create-deps';
import { startBackground } from './app/background';
import { buildApp } from './http/app';
import { createLogger } from './shared/logger';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps);
  // With Redis, `npm run worker` processes run the workers; on the embedded queue they live here.
  const background = await startBackground(deps, { workers: deps.queue.kind === 'embedded', app });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await app.close(); // stop accepting requests, finish the ones in flight
      await background.stop();
      await closeDeps(deps);
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { store: deps.stores.kind, queue: deps.queue.kind, url: config.publicBaseUrl },
    'PAKN service listening',
  );
}

void main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
