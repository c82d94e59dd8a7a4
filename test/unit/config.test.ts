import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../services/core/config/schema.ts';
import { loadConfig, parseCommandLine, resolveConfig } from '../../services/core/config/load.ts';
import { ConfigError } from '../../services/core/config/errors.ts';

const exampleFile = new URL('../../classcast.example.yml', import.meta.url).pathname;

test('defaults are complete and valid', () => {
  const config = resolveConfig([]);
  assert.equal(config.http.port, 8080);
  assert.equal(config.rtmp.port, 1935);
  assert.equal(config.dataDir, './data');
  assert.equal(config.ingest.latencyMode, 'normal');
  assert.equal(config.ingest.reconnectGraceSeconds, 60);
  assert.equal(config.demo.enabled, true);
  assert.deepEqual(config.classrooms, []);
});

test('the example file lists every option with its default', () => {
  const example = parseYaml(readFileSync(exampleFile, 'utf8')) as Record<string, unknown>;
  const defaults = resolveConfig([]);
  // Every option the schema knows, with its default, appears in the example (optional ones commented out).
  const text = readFileSync(exampleFile, 'utf8');
  const walk = (value: Record<string, unknown>, inExample: Record<string, unknown> | undefined, path: string) => {
    for (const [key, child] of Object.entries(value)) {
      const here = `${path}${key}`;
      if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
        walk(child as Record<string, unknown>, inExample?.[key] as Record<string, unknown> | undefined, `${here}.`);
      } else {
        assert.deepEqual(inExample?.[key], child, `${here} in classcast.example.yml`);
      }
    }
  };
  walk(defaults as unknown as Record<string, unknown>, example, '');
  for (const optional of ['databaseUrl', 'publicUrl', 'ffmpegPath', 'trackerUrl', 'city']) assert.match(text, new RegExp(`# ${optional}:`), optional);
  assert.equal(configSchema.safeParse(example).success, true);
});

test('environment overrides the file and flags override the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'classcast-config-'));
  const file = join(dir, 'c.yml');
  writeFileSync(file, 'http:\n  port: 9000\nrtmp:\n  port: 1940\ndataDir: /srv/file\n');
  const commandLine = parseCommandLine(['ingest', '--config', file, '--rtmp-port', '1950', '--classroom', 'room-1:abcdefgh12abcdefgh', '--classroom', 'room-2:zyxwvuts98zyxwvuts', '--no-demo']);
  const config = loadConfig(commandLine, { CLASSCAST_HTTP_PORT: '9100', CLASSCAST_RTMP_PORT: '1945', CLASSCAST_DATA_DIR: '/srv/env', DATABASE_URL: 'postgres://u@h/db' });
  assert.equal(commandLine.role, 'ingest');
  assert.equal(config.http.port, 9100);
  assert.equal(config.rtmp.port, 1950);
  assert.equal(config.dataDir, '/srv/env');
  assert.equal(config.databaseUrl, 'postgres://u@h/db');
  assert.equal(config.demo.enabled, false);
  assert.deepEqual(config.classrooms, [{ id: 'room-1', key: 'abcdefgh12abcdefgh' }, { id: 'room-2', key: 'zyxwvuts98zyxwvuts' }]);
  assert.deepEqual(loadConfig(parseCommandLine(['all']), { CLASSCAST_CLASSROOMS: 'a-1:abcdefgh12abcdefgh, b-2:zyxwvuts98zyxwvuts' }).classrooms.map((c) => c.id), ['a-1', 'b-2']);
});

test('invalid configuration names the option and where it came from', () => {
  const fails = (argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp) =>
    assert.throws(() => loadConfig(parseCommandLine(argv), env), (error: Error) => error instanceof ConfigError && pattern.test(error.message));
  fails(['all', '--http-port', 'eighty'], {}, /command-line flags.*http\.port.*"eighty"/s);
  fails(['all'], { CLASSCAST_RTMP_PORT: '70000' }, /environment.*rtmp\.port.*70000/s);
  fails(['all', '--latency-mode', 'fast'], {}, /ingest\.latencyMode/);
  fails(['all', '--classroom', 'Room 1:abcdefgh12abcdefgh'], {}, /classrooms\.0\.id/);
  fails(['all', '--classroom', 'room-1:short'], {}, /classrooms\.0\.key/);
  // 8 to 15 characters were accepted once; a new key must be too long to guess.
  fails(['all', '--classroom', 'room-1:abcdefgh12'], {}, /classrooms\.0\.key.*at least 16 characters/s);
  fails(['all'], { CLASSCAST_CLASSROOMS: 'room-1:abcdefghijklmno' }, /classrooms\.0\.key.*at least 16 characters/s);
  fails(['all', '--classroom', 'nokey'], {}, /not ID:KEY/);
  fails(['all'], { DATABASE_URL: 'not a url' }, /databaseUrl/);
  assert.throws(() => parseCommandLine(['all', '--bogus']), /bogus/);
  const dir = mkdtempSync(join(tmpdir(), 'classcast-config-'));
  writeFileSync(join(dir, 'typo.yml'), 'htp:\n  port: 1\n');
  fails(['all', '--config', join(dir, 'typo.yml')], {}, /htp/);
  writeFileSync(join(dir, 'broken.yml'), 'http: [\n');
  fails(['all', '--config', join(dir, 'broken.yml')], {}, /not valid YAML/);
  fails(['all', '--config', join(dir, 'missing.yml')], {}, /cannot read config file/);
});

test('the pages speak Chinese in Shanghai time unless configured otherwise; a zone Intl does not know is refused', () => {
  const defaults = resolveConfig([]);
  assert.deepEqual([defaults.web.defaultLocale, defaults.web.timeZone], ['zh-CN', 'Asia/Shanghai']);
  const english = resolveConfig([{ source: 'env', values: { web: { defaultLocale: 'en', timeZone: 'Asia/Urumqi' } } }]);
  assert.deepEqual([english.web.defaultLocale, english.web.timeZone], ['en', 'Asia/Urumqi']);
  assert.throws(() => resolveConfig([{ source: 'test', values: { web: { timeZone: 'Asia/Beijing' } } }]), (error: unknown) => error instanceof ConfigError && /web\.timeZone/.test(error.message));
  assert.throws(() => resolveConfig([{ source: 'test', values: { web: { defaultLocale: 'fr' } } }]), (error: unknown) => error instanceof ConfigError && /web\.defaultLocale/.test(error.message));
});
