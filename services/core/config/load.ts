// Builds the running configuration from, in rising priority: schema defaults, the config file,
// environment variables and command-line flags. Each layer is a partial object; the merged
// result is validated once, and an error names the option and where its value came from.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.ts';
import { ConfigError, describeIssues } from './errors.ts';

type Layer = { source: string; values: Record<string, unknown> };

/** Environment variables and the option each one sets. Numbers are converted before validation. */
export const environmentOptions: Record<string, { path: string[]; kind: 'string' | 'number' | 'classrooms' | 'list' }> = {
  CLASSCAST_HTTP_PORT: { path: ['http', 'port'], kind: 'number' },
  CLASSCAST_HTTP_HOST: { path: ['http', 'host'], kind: 'string' },
  CLASSCAST_PUBLIC_URL: { path: ['http', 'publicUrl'], kind: 'string' },
  CLASSCAST_RTMP_PORT: { path: ['rtmp', 'port'], kind: 'number' },
  CLASSCAST_RTMP_HOST: { path: ['rtmp', 'host'], kind: 'string' },
  CLASSCAST_DATA_DIR: { path: ['dataDir'], kind: 'string' },
  CLASSCAST_NODE_ID: { path: ['node', 'id'], kind: 'string' },
  CLASSCAST_LOG_LEVEL: { path: ['log', 'level'], kind: 'string' },
  CLASSCAST_LATENCY_MODE: { path: ['ingest', 'latencyMode'], kind: 'string' },
  CLASSCAST_CLASSROOMS: { path: ['classrooms'], kind: 'classrooms' },
  CLASSCAST_UPSTREAMS: { path: ['relay', 'upstreams'], kind: 'list' },
  CLASSCAST_RELAY_PORT: { path: ['relay', 'port'], kind: 'number' },
  CLASSCAST_PLAYBACK_SECRETS: { path: ['playback', 'secrets'], kind: 'list' },
  CLASSCAST_CITY: { path: ['playback', 'city'], kind: 'string' },
  CLASSCAST_TURN_SECRET: { path: ['hands', 'turnSecret'], kind: 'string' },
  CLASSCAST_STORAGE_KIND: { path: ['storage', 'kind'], kind: 'string' },
  CLASSCAST_S3_ENDPOINT: { path: ['storage', 's3', 'endpoint'], kind: 'string' },
  CLASSCAST_S3_BUCKET: { path: ['storage', 's3', 'bucket'], kind: 'string' },
  CLASSCAST_S3_REGION: { path: ['storage', 's3', 'region'], kind: 'string' },
  CLASSCAST_S3_ACCESS_KEY_ID: { path: ['storage', 's3', 'accessKeyId'], kind: 'string' },
  CLASSCAST_S3_SECRET_ACCESS_KEY: { path: ['storage', 's3', 'secretAccessKey'], kind: 'string' },
  CLASSCAST_DEFAULT_LOCALE: { path: ['web', 'defaultLocale'], kind: 'string' },
  CLASSCAST_TIME_ZONE: { path: ['web', 'timeZone'], kind: 'string' },
  DATABASE_URL: { path: ['databaseUrl'], kind: 'string' },
  FFMPEG_PATH: { path: ['ffmpegPath'], kind: 'string' },
};

export type CommandLine = { role: string | undefined; configPath: string | undefined; overrides: Layer };

const flagOptions = {
  config: { type: 'string' },
  'http-port': { type: 'string' },
  'rtmp-port': { type: 'string' },
  'data-dir': { type: 'string' },
  'node-id': { type: 'string' },
  'log-level': { type: 'string' },
  'latency-mode': { type: 'string' },
  'no-demo': { type: 'boolean' },
  classroom: { type: 'string', multiple: true },
  upstream: { type: 'string', multiple: true },
  'relay-port': { type: 'string' },
  username: { type: 'string' },
  'display-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `username` and `displayName` are for `classcast create-operator`, not configuration. */
export function parseCommandLine(argv: string[]): CommandLine & { help: boolean; username: string | undefined; displayName: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: flagOptions, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run 'classcast --help' for the flags.`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ConfigError(`expected one role, got '${positionals.join(' ')}'`);
  const overrides: Record<string, unknown> = {};
  if (values['http-port'] !== undefined) setPath(overrides, ['http', 'port'], toNumber(values['http-port']));
  if (values['rtmp-port'] !== undefined) setPath(overrides, ['rtmp', 'port'], toNumber(values['rtmp-port']));
  if (values['data-dir'] !== undefined) setPath(overrides, ['dataDir'], values['data-dir']);
  if (values['node-id'] !== undefined) setPath(overrides, ['node', 'id'], values['node-id']);
  if (values['log-level'] !== undefined) setPath(overrides, ['log', 'level'], values['log-level']);
  if (values['latency-mode'] !== undefined) setPath(overrides, ['ingest', 'latencyMode'], values['latency-mode']);
  if (values['no-demo']) setPath(overrides, ['demo', 'enabled'], false);
  if (values.classroom) setPath(overrides, ['classrooms'], values.classroom.map(parseClassroomPair));
  if (values['relay-port'] !== undefined) setPath(overrides, ['relay', 'port'], toNumber(values['relay-port']));
  if (values.upstream) setPath(overrides, ['relay', 'upstreams'], values.upstream);
  return { role: positionals[0], configPath: values.config, overrides: { source: 'command-line flags', values: overrides }, help: values.help ?? false, username: values.username, displayName: values['display-name'] };
}

/** `ID:KEY` as given to `--classroom` or in CLASSCAST_CLASSROOMS (comma-separated). */
export function parseClassroomPair(text: string): { id: string; key: string } {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new ConfigError(`classrooms: '${text}' is not ID:KEY (for example --classroom room-101:Zx81kq0PqR)`);
  }
  return { id: text.slice(0, colon), key: text.slice(colon + 1) };
}

export function environmentLayer(env: NodeJS.ProcessEnv): Layer {
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(environmentOptions)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value =
      option.kind === 'number'
        ? toNumber(text)
        : option.kind === 'classrooms'
          ? text.split(',').map((pair) => parseClassroomPair(pair.trim()))
          : option.kind === 'list'
            ? text.split(',').map((item) => item.trim())
            : text;
    setPath(values, option.path, value);
  }
  if (env.FFMPEG_PATH && env.CLASSCAST_FFMPEG_PATH) throw new ConfigError('set FFMPEG_PATH or CLASSCAST_FFMPEG_PATH, not both');
  if (env.CLASSCAST_FFMPEG_PATH) setPath(values, ['ffmpegPath'], env.CLASSCAST_FFMPEG_PATH);
  return { source: 'environment', values };
}

export function fileLayer(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let values: unknown;
  try {
    values = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new ConfigError(`config file ${path} must hold a mapping of options`);
  return { source: `config file ${path}`, values: values as Record<string, unknown> };
}

/** Merges the layers (later wins; arrays are replaced, not concatenated) and validates the result. */
export function resolveConfig(layers: Layer[]): Config {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) deepMerge(merged, layer.values);
  const result = configSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    const sources = layers.filter((layer) => Object.keys(layer.values).length > 0).map((layer) => layer.source);
    throw new ConfigError(describeIssues(result.error, sources.length > 0 ? `from ${sources.join(', ')}` : 'defaults'));
  }
  return result.data;
}

export function loadConfig(commandLine: CommandLine, env: NodeJS.ProcessEnv = process.env): Config {
  const layers: Layer[] = [];
  const configPath = commandLine.configPath ?? env.CLASSCAST_CONFIG;
  if (configPath) layers.push(fileLayer(configPath));
  layers.push(environmentLayer(env), commandLine.overrides);
  return resolveConfig(layers);
}

function toNumber(text: string): unknown {
  // Keep the text when it is not a number, so validation names the option and shows the value.
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : text;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node = (typeof child === 'object' && child !== null ? child : (node[key] = {})) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value);
    else target[key] = isPlainObject(value) ? structuredClone(value) : value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
