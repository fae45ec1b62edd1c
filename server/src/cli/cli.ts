import fs from 'node:fs';
import { Command, Option } from 'commander';
import type { Config } from '../config/config.js';
import { ConfigError, defaultConfigFile, loadConfig, redactedConfig, type ConfigSources } from '../config/load-config.js';
import type { ConfigKey } from '../config/schema.js';
import { createDb } from '../db/create-db.js';
import { migrateToLatest, schemaState } from '../db/migrate.js';
import { SYSTEM } from '../domain/actor.js';
import { isAppError } from '../domain/errors.js';
import { AuthService } from '../services/auth.service.js';
import { UserService } from '../services/user.service.js';
import { startServer } from '../main.js';
import { PRODUCT_VERSION } from '../version.js';
import { describeClientError, registerClientCommands } from './client-commands.js';

/** Options every command shares: where the data and database are. */
interface CommonOptions { config?: string; data?: string; db?: string }

function configFrom(opts: CommonOptions, flags: Partial<Record<ConfigKey, string | number | boolean>> = {}): Config {
  const sources: ConfigSources = {
    file: opts.config, env: process.env,
    flags: { ...(opts.data !== undefined && { dataDir: opts.data }), ...(opts.db !== undefined && { 'database.url': opts.db }), ...flags },
  };
  return loadConfig(sources);
}

const common = (cmd: Command) => cmd
  .option('--config <file>', 'JSON configuration file')
  .option('--data <dir>', 'data folder (env XNAT_TS_DATA, default ./data)')
  .option('--db <url>', 'SQLite file or postgres:// URL (env XNAT_TS_DB, default <data>/xnat-ts.sqlite)');

export function buildCli(): Command {
  const program = new Command('xnat-ts')
    .description('xnat-ts: an imaging research archive that speaks XNAT\'s REST API')
    .version(PRODUCT_VERSION)
    .showHelpAfterError();

  common(program.command('serve').description('start the web server (migrating SQLite databases automatically)'))
    .option('--port <n>', 'port (env XNAT_TS_PORT, default 8080; 0 picks one)')
    .option('--host <address>', 'listen address (env XNAT_TS_HOST, default 127.0.0.1)')
    .option('--site-url <url>', 'public base URL (env XNAT_TS_SITE_URL)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--migrate', 'apply pending database migrations before starting (PostgreSQL needs this or `xnat-ts migrate`)')
    .option('--dicom-port <n>', 'DICOM receiver port (env XNAT_TS_DICOM_PORT, default 8104; 0 picks one)')
    .option('--ae-titles <list>', 'AE titles the DICOM receiver answers to, e.g. XNAT,SCANNER1=PROJ1 (env XNAT_TS_DICOM_AE_TITLES, default XNAT)')
    .option('--no-dicom', 'do not start the DICOM receiver (env XNAT_TS_DICOM_ENABLED=false)')
    .addOption(new Option('--print-config', 'print the effective configuration (secrets hidden) and exit'))
    .addOption(new Option('--write-default-config <file>', 'write a config file with every key and its default, and exit'))
    .action(async (opts: CommonOptions & {
      port?: string; host?: string; siteUrl?: string; logLevel?: string; migrate?: boolean; printConfig?: boolean; writeDefaultConfig?: string;
      dicomPort?: string; aeTitles?: string; dicom?: boolean;
    }) => {
      if (opts.writeDefaultConfig) {
        fs.writeFileSync(opts.writeDefaultConfig, defaultConfigFile());
        process.stdout.write(`Wrote ${opts.writeDefaultConfig}\n`);
        return;
      }
      const config = configFrom(opts, {
        ...(opts.port !== undefined && { 'http.port': opts.port }), ...(opts.host !== undefined && { 'http.host': opts.host }),
        ...(opts.siteUrl !== undefined && { 'http.siteUrl': opts.siteUrl }), ...(opts.logLevel !== undefined && { 'logging.level': opts.logLevel }),
        ...(opts.migrate && { 'database.autoMigrate': true }),
        ...(opts.dicomPort !== undefined && { 'dicom.port': opts.dicomPort }), ...(opts.aeTitles !== undefined && { 'dicom.aeTitles': opts.aeTitles }),
        // commander defaults a --no-x flag to true; only an explicit --no-dicom may override the config file or environment.
        ...(opts.dicom === false && { 'dicom.enabled': false }),
      });
      if (opts.printConfig) {
        process.stdout.write(`${JSON.stringify(redactedConfig(config), null, 2)}\n`);
        return;
      }
      await startServer(config);
    });

  common(program.command('migrate').description('apply pending database migrations'))
    .option('--status', 'only show which migrations are applied and pending')
    .action(async (opts: CommonOptions & { status?: boolean }) => {
      const config = configFrom(opts);
      const database = createDb(config.database);
      try {
        if (opts.status) {
          const state = await schemaState(database.db);
          process.stdout.write(`applied: ${state.applied.join(', ') || 'none'}\npending: ${state.pending.join(', ') || 'none'}\n`);
          if (state.unknown.length) process.stdout.write(`unknown (newer than this program): ${state.unknown.join(', ')}\n`);
          return;
        }
        const applied = await migrateToLatest(database.db);
        process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'The database schema is up to date.\n');
      } finally {
        await database.close();
      }
    });

  common(program.command('create-user').description('create a user account (the password is read from --password or XNAT_TS_NEW_USER_PASSWORD)'))
    .requiredOption('--login <name>', 'username')
    .option('--password <password>', 'password (prefer the XNAT_TS_NEW_USER_PASSWORD environment variable: flags show up in process lists)')
    .option('--email <address>', 'email address')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--admin', 'make the user a site administrator')
    .action(async (opts: CommonOptions & { login: string; password?: string; email?: string; firstName?: string; lastName?: string; admin?: boolean }) => {
      const config = configFrom(opts);
      const password = opts.password ?? process.env.XNAT_TS_NEW_USER_PASSWORD;
      if (!password) throw new ConfigError('Give the password with --password or the XNAT_TS_NEW_USER_PASSWORD environment variable');
      const database = createDb(config.database);
      try {
        if (config.database.autoMigrate) await migrateToLatest(database.db);
        const users = new UserService(database.db, new AuthService(database.db, config.auth));
        const user = await users.create(SYSTEM, { login: opts.login, password, email: opts.email, firstName: opts.firstName, lastName: opts.lastName, isAdmin: opts.admin ?? false });
        process.stdout.write(`Created user ${user.login}${user.isAdmin ? ' (site administrator)' : ''}\n`);
      } finally {
        await database.close();
      }
    });

  registerClientCommands(program);
  return program;
}

/** Runs the CLI; user-facing failures print one line and exit non-zero. */
export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildCli().parseAsync([...argv]);
  } catch (e) {
    const client = describeClientError(e);
    if (client) {
      process.stderr.write(`xnat-ts: ${client.message}\n`);
      process.exitCode = client.exitCode;
      return;
    }
    const message = e instanceof ConfigError || isAppError(e) || (e as Error).name === 'SchemaError' ? (e as Error).message : String((e as Error).stack ?? e);
    process.stderr.write(`xnat-ts: ${message}\n`);
    process.exitCode = isAppError(e) && e.code === 'conflict' ? 3 : 1;
  }
}
