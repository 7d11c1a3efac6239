import { ConfigError, loadConfig, type AppConfig } from '../config';

/** Loads the configuration for a process entry point; a ConfigError ends the process with its message. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
