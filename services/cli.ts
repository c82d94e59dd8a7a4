// classcast <role> [flags]: loads the configuration, starts the role, stops it cleanly on SIGINT/SIGTERM.
// classcast create-operator: the one command that is not a role; it runs and exits.
import { ConfigError } from './core/config/errors.ts';
import { loadConfig, parseCommandLine } from './core/config/load.ts';
import { createLogger, setLogLevel } from './core/log.ts';
import { roles } from './roles/index.ts';

const usage = `usage: classcast <role> [flags]
       classcast create-operator --username NAME [--display-name "NAME"] [--data-dir DIR]

roles: ${Object.keys(roles).join(', ')}

create-operator makes an operator account in the catalog (DATABASE_URL, or the embedded one under
--data-dir: stop the server first). The password comes from CLASSCAST_PASSWORD or is typed on stdin.

flags:
  --config FILE          YAML or JSON configuration (see classcast.example.yml)
  --http-port N          HTTP port (CLASSCAST_HTTP_PORT, default 8080)
  --rtmp-port N          RTMP port (CLASSCAST_RTMP_PORT, default 1935)
  --data-dir DIR         where lessons are written (CLASSCAST_DATA_DIR, default ./data)
  --classroom ID:KEY     a classroom and its stream key; repeat for more (CLASSCAST_CLASSROOMS=id:key,id:key)
  --upstream URL         (relay) an upstream to pull from, in order of preference; repeat for standbys
                         (CLASSCAST_UPSTREAMS=url,url)
  --relay-port N         (all) port of the city relay beside the province (CLASSCAST_RELAY_PORT, default 8081)
  --latency-mode MODE    low (1 s segments), normal (2 s) or high (4 s)
  --node-id ID           this node's name in logs and metrics
  --log-level LEVEL      debug, info, warn or error
  --no-demo              (all) do not start the demo school encoder
  --username NAME        (create-operator) the new operator's username
  --display-name NAME    (create-operator) the name shown in pages (default: the username)
`;

async function main(): Promise<number> {
  let commandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    return fail(error);
  }
  if (commandLine.help || !commandLine.role) {
    process.stdout.write(usage);
    return commandLine.help ? 0 : 2;
  }
  if (commandLine.role === 'create-operator') return createOperator(commandLine);
  const role = roles[commandLine.role];
  if (!role) return fail(new ConfigError(`unknown role '${commandLine.role}'; choose one of ${Object.keys(roles).join(', ')}`));
  if ('notBuilt' in role) return fail(new Error(`role '${commandLine.role}': ${role.notBuilt}`));

  let config;
  try {
    config = loadConfig(commandLine);
  } catch (error) {
    return fail(error);
  }
  setLogLevel(config.log.level);
  const log = createLogger({ role: commandLine.role, node: config.node.id });

  let running;
  try {
    const start = await role();
    running = await start(config, log);
  } catch (error) {
    return fail(error);
  }
  const lines = Object.entries(running.urls).map(([name, url]) => `  ${name.padEnd(6)} ${url}`);
  process.stdout.write(`Classcast ${commandLine.role} is running:\n${lines.join('\n')}\n`);
  if (running.urls.watch) process.stdout.write(`Open ${running.urls.watch} in a browser to watch.\n`);
  if (running.urls.setup) process.stdout.write(`No operator yet: open ${running.urls.setup} to create the first one (or run: classcast create-operator --username NAME).\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping');
  await running.close();
  return 0;
}

async function createOperator(commandLine: ReturnType<typeof parseCommandLine>): Promise<number> {
  try {
    const config = loadConfig(commandLine);
    // A one-shot command prints one line; the database's start-up logs would only bury it.
    setLogLevel(config.log.level === 'debug' ? 'debug' : 'warn');
    const { createOperatorCommand } = await import('./catalog/auth/create-operator-command.ts');
    const log = createLogger({ role: 'create-operator', node: config.node.id });
    return await createOperatorCommand(config, commandLine, log, process);
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`classcast: ${message}\n`);
  return error instanceof ConfigError ? 2 : 1;
}

process.exitCode = await main();
