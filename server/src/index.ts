// What other packages (the CLI, tests, the benchmark) use of the server.
export { createApp, type App } from './app.ts';
export { loadConfig, CONFIG_ENV, type Config, type ConfigFlags } from './config.ts';
export { runServer } from './main.ts';
export { backupStore, BackupError, type BackupOptions, type BackupResult } from './backup.ts';
export { restoreStore, RestoreError, type RestoreOptions, type RestoreResult } from './restore.ts';
