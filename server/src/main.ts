import { buildApp, type App } from './app.js';
import type { Config } from './config/config.js';

export interface RunningServer {
  readonly app: App;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the server: database, archive, first admin, listeners; stops cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: { print?: (line: string) => void; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const app = await buildApp(config, { logger: config.logging.level !== 'silent' });
  const admin = await app.services.users.ensureFirstAdmin(config.auth.adminPassword);
  await app.http.listen({ host: config.http.host, port: config.http.port });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
  const url = config.http.siteUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`xnat-ts is running at ${url}`);
  print(`  data: ${config.dataDir} (database: ${config.database.kind})`);
  for (const line of app.features.flatMap((f) => f.startupLines?.() ?? [])) print(`  ${line}`);
  if (!config.dicom.enabled) print('  DICOM receiver: off');
  if (admin.created && admin.generatedPassword) {
    print(`  Log in as 'admin' with password: ${admin.generatedPassword}`);
    print('  (shown only this once; change it in the web UI or with PUT /xapi/users/admin)');
  } else if (admin.created) {
    print("  Log in as 'admin' with the password from XNAT_TS_ADMIN_PASSWORD");
  } else {
    print('  Log in with your account (the first administrator is \'admin\')');
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= app.close());
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        print(`\nxnat-ts: ${signal} received, stopping`);
        void stop().then(() => process.exit(0), () => process.exit(1));
      });
    }
  }
  return { app, url, stop };
}
