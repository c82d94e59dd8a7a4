// deploy/k8s, deploy/systemd and deploy/nginx hold together: every manifest parses and has its
// identity, every container is probed on /healthz and has resources, Services and the Ingress
// reach ports that pods declare, selectors match pod labels, every configuration (ConfigMaps and
// the systemd examples) passes Classcast's own configuration loader with the environment its pod
// or unit gives it, and every unit starts a role that exists. Where the real tools are installed
// they check too: `kubectl kustomize` renders the manifests, `systemd-analyze verify` the units,
// `nginx -t` the relay configuration; a missing tool skips its test with the reason printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { environmentLayer, resolveConfig } from '../../services/core/config/load.ts';
import type { Config } from '../../services/core/config/schema.ts';
import { roles } from '../../services/roles/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = join(root, 'deploy/k8s');
const systemdDir = join(root, 'deploy/systemd');

// ---- Kubernetes ----

type Manifest = { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };
type ContainerPort = { name?: string; containerPort: number };
type Probe = { httpGet?: { path?: string; port?: string | number } };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } };
type Container = {
  name: string;
  image?: string;
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
};
type PodTemplate = {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; volumes?: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string }; emptyDir?: unknown }> };
};
type Workload = Manifest & {
  kind: 'Deployment' | 'StatefulSet';
  metadata: { name: string };
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate; serviceName?: string; volumeClaimTemplates?: Array<{ metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }> };
};
type Service = Manifest & { metadata: { name: string }; spec: { clusterIP?: string; selector: Record<string, string>; ports: Array<{ name?: string; port: number; targetPort?: string | number }> } };
type ConfigMap = Manifest & { metadata: { name: string }; data: Record<string, string> };
type Secret = Manifest & { metadata: { name: string }; stringData?: Record<string, string>; data?: Record<string, string> };

const yamlFiles = readdirSync(k8sDir).filter((name) => /\.ya?ml$/.test(name)).sort();

/** Every document of every YAML file under deploy/k8s, with the file it came from. */
const manifests: Array<{ file: string; object: Manifest }> = yamlFiles.flatMap((file) => {
  const documents = parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'));
  return documents.map((document) => {
    assert.deepEqual(document.errors, [], `${file} is not valid YAML`);
    return { file, object: document.toJS() as Manifest };
  });
});
const objects = manifests.filter(({ object }) => object.kind !== 'Kustomization').map(({ object }) => object);
const ofKind = <T extends Manifest>(kind: string) => objects.filter((object) => object.kind === kind) as T[];
const workloads = objects.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet') as Workload[];
const services = ofKind<Service>('Service');
const configMaps = ofKind<ConfigMap>('ConfigMap');
const secrets = ofKind<Secret>('Secret');

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** The container port a probe, Service or Ingress names: a port name, or a number. */
const findPort = (ports: ContainerPort[] | undefined, port: string | number | undefined) =>
  (ports ?? []).find((candidate) => (typeof port === 'number' ? candidate.containerPort === port : candidate.name === port));

/** Kubernetes quantities as plain numbers: cores ("250m", "4") and bytes ("512Mi", "3Gi"). */
function quantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(text);
  assert.ok(match, `'${text}' is not a quantity this test reads`);
  const units: Record<string, number> = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(match[1]) * (match[2] ? units[match[2]]! : 1);
}

/** A Secret's values as the pods see them. */
function secretValue(name: string, key: string): string | undefined {
  const secret = secrets.find((candidate) => candidate.metadata.name === name);
  if (!secret) return undefined;
  if (secret.stringData?.[key] !== undefined) return secret.stringData[key];
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** The environment a container's env entries give it, with a pod name for fieldRefs. */
function containerEnv(container: Container, podName: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secretValue(ref.name, ref.key);
      assert.ok(value !== undefined, `${container.name}: env ${variable.name} refers to ${ref.name}/${ref.key}, which no Secret here holds`);
      env[variable.name] = value;
    }
    if (variable.valueFrom?.fieldRef) {
      assert.equal(variable.valueFrom.fieldRef.fieldPath, 'metadata.name', `${container.name}: env ${variable.name}: only the pod name is used`);
      env[variable.name] = podName;
    }
  }
  return env;
}

/** The configuration a container runs with, loaded as `classcast --config` loads it: file, then environment. */
function containerConfig(workload: Workload, container: Container): Config {
  const args = container.args ?? [];
  const configPath = args[args.indexOf('--config') + 1];
  assert.ok(args.includes('--config') && configPath, `${container.name}: runs with --config FILE`);
  const mount = (container.volumeMounts ?? []).find((candidate) => configPath.startsWith(`${candidate.mountPath.replace(/\/$/, '')}/`));
  assert.ok(mount, `${container.name}: ${configPath} is on no mounted volume`);
  const volume = workload.spec.template.spec.volumes?.find((candidate) => candidate.name === mount.name);
  assert.ok(volume?.configMap, `${container.name}: ${configPath} comes from a ConfigMap volume`);
  const configMap = configMaps.find((candidate) => candidate.metadata.name === volume.configMap!.name);
  assert.ok(configMap, `${workload.metadata.name}: ConfigMap ${volume.configMap.name} is not in deploy/k8s`);
  const key = basename(configPath);
  const text = configMap.data[key];
  assert.ok(text !== undefined, `ConfigMap ${configMap.metadata.name} has no key ${key}`);
  const values = parseAllDocuments(text)[0]!.toJS() as Record<string, unknown>;
  const podName = workload.kind === 'StatefulSet' ? `${workload.metadata.name}-0` : `${workload.metadata.name}-7d9f8c6b5-x2x9q`;
  return resolveConfig([
    { source: `ConfigMap ${configMap.metadata.name}`, values },
    environmentLayer(containerEnv(container, podName)),
  ]);
}

test('every file in deploy/k8s parses, every object has its identity, and kustomization.yaml lists them all', () => {
  assert.ok(objects.length >= 10, `only ${objects.length} objects in deploy/k8s`);
  for (const { file, object } of manifests) {
    assert.equal(typeof object.apiVersion, 'string', `${file}: apiVersion`);
    assert.equal(typeof object.kind, 'string', `${file}: kind`);
    if (object.kind === 'Kustomization') continue;
    assert.match(String(object.metadata?.name), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${file}: metadata.name is a DNS label`);
  }
  const names = objects.map((object) => `${String(object.kind)}/${String(object.metadata?.name)}`);
  assert.equal(new Set(names).size, names.length, `an object is defined twice: ${names.join(', ')}`);

  const kustomization = manifests.find(({ object }) => object.kind === 'Kustomization');
  assert.ok(kustomization, 'deploy/k8s has a kustomization.yaml');
  const listed = (kustomization.object.resources as string[]).slice().sort();
  assert.deepEqual(listed, yamlFiles.filter((file) => file !== kustomization.file), 'kustomization.yaml lists every manifest, and only those');
  for (const kind of ['Namespace', 'Secret', 'ConfigMap', 'StatefulSet', 'Deployment', 'Service', 'PersistentVolumeClaim', 'Ingress']) {
    assert.ok(objects.some((object) => object.kind === kind), `a ${kind}`);
  }
});

test('ingest is a StatefulSet with a media volume claim; relays and the catalog are Deployments', () => {
  const byRole = (role: string) => workloads.filter((workload) => workload.spec.template.spec.containers.some((container) => container.args?.[0] === role));
  const [ingest] = byRole('ingest');
  assert.equal(ingest?.kind, 'StatefulSet');
  const claim = ingest.spec.volumeClaimTemplates?.[0];
  assert.ok(claim, 'ingest has a volumeClaimTemplate');
  assert.ok(quantity(claim.spec.resources.requests.storage) >= quantity('50Gi'), 'the media volume holds days of lessons');
  const mediaMount = ingest.spec.template.spec.containers[0]!.volumeMounts?.find((mount) => mount.name === claim.metadata.name);
  assert.ok(mediaMount, 'the claim is mounted');
  assert.equal(containerEnv(ingest.spec.template.spec.containers[0]!, 'x').CLASSCAST_DATA_DIR, mediaMount.mountPath, 'lessons are written on the claim');
  const governing = services.find((service) => service.metadata.name === ingest.spec.serviceName);
  assert.equal(governing?.spec.clusterIP, 'None', 'the StatefulSet has its headless Service');

  for (const role of ['relay', 'catalog']) {
    const found = byRole(role);
    assert.ok(found.length > 0 && found.every((workload) => workload.kind === 'Deployment'), `${role} runs as a Deployment`);
  }
  const relay = byRole('relay')[0]!;
  const relayContainer = relay.spec.template.spec.containers[0]!;
  const cacheMount = relayContainer.volumeMounts?.find((mount) => mount.mountPath === containerEnv(relayContainer, 'x').CLASSCAST_DATA_DIR);
  const cacheVolume = relay.spec.template.spec.volumes?.find((volume) => volume.name === cacheMount?.name);
  assert.ok(cacheVolume?.emptyDir || cacheVolume?.persistentVolumeClaim, "the relay's disk cache is on an emptyDir or a claim");
});

test('every container: an existing role, probes on /healthz at a declared port, resources, scrape annotations', () => {
  assert.ok(workloads.length >= 3);
  for (const workload of workloads) {
    const where = `${workload.kind}/${workload.metadata.name}`;
    const template = workload.spec.template;
    assert.ok(matches(workload.spec.selector.matchLabels, template.metadata.labels), `${where}: the selector matches the pod labels`);
    const annotations = template.metadata.annotations ?? {};
    assert.equal(annotations['prometheus.io/scrape'], 'true', `${where}: prometheus.io/scrape`);
    assert.equal(annotations['prometheus.io/path'], '/metrics', `${where}: prometheus.io/path`);
    const claims = new Set((workload.spec.volumeClaimTemplates ?? []).map((claim) => claim.metadata.name));
    const volumes = new Set((template.spec.volumes ?? []).map((volume) => volume.name));
    for (const volume of template.spec.volumes ?? []) {
      if (volume.configMap) assert.ok(configMaps.some((configMap) => configMap.metadata.name === volume.configMap!.name), `${where}: ConfigMap ${volume.configMap.name} exists`);
      if (volume.persistentVolumeClaim) assert.ok(objects.some((object) => object.kind === 'PersistentVolumeClaim' && object.metadata?.name === volume.persistentVolumeClaim!.claimName), `${where}: claim ${volume.persistentVolumeClaim.claimName} exists`);
    }

    for (const container of template.spec.containers) {
      const role = container.args?.[0] ?? '';
      const starter = roles[role];
      assert.ok(starter && !('notBuilt' in starter) && role !== 'all', `${where}: '${role}' is a role a node runs (${Object.keys(roles).join(', ')})`);
      assert.ok(container.image, `${where}: image`);
      for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
        const probe = container[kind];
        assert.equal(probe?.httpGet?.path, '/healthz', `${where}: ${kind} on /healthz`);
        assert.ok(findPort(container.ports, probe.httpGet.port), `${where}: ${kind} port ${String(probe.httpGet.port)} is declared`);
      }
      if (container.startupProbe) assert.equal(container.startupProbe.httpGet?.path, '/healthz');
      for (const resource of ['cpu', 'memory']) {
        const request = container.resources?.requests?.[resource];
        const limit = container.resources?.limits?.[resource];
        assert.ok(request && limit, `${where}: ${resource} request and limit`);
        assert.ok(quantity(request) <= quantity(limit), `${where}: ${resource} request ${request} is within its limit ${limit}`);
      }
      for (const mount of container.volumeMounts ?? []) assert.ok(volumes.has(mount.name) || claims.has(mount.name), `${where}: volume ${mount.name} is defined`);

      // The container's configuration, as the role will load it, and the ports it serves on.
      const config = containerConfig(workload, container);
      assert.equal(findPort(container.ports, 'http')?.containerPort, config.http.port, `${where}: the http port is http.port`);
      assert.equal(annotations['prometheus.io/port'], String(config.http.port), `${where}: metrics are scraped on http.port`);
      if (role === 'ingest') assert.equal(findPort(container.ports, 'rtmp')?.containerPort, config.rtmp.port, `${where}: the rtmp port is rtmp.port`);
      if (role === 'relay') assert.ok(config.relay.upstreams.length > 0, `${where}: the relay has an upstream`);
      if (role !== 'relay') assert.match(config.databaseUrl ?? '', /^postgres(ql)?:\/\//, `${where}: the catalog database is PostgreSQL, from the Secret`);
      assert.ok(config.playback.secrets.length > 0, `${where}: playback secrets are shared through the Secret`);
      assert.equal(config.demo.enabled, false, `${where}: no demo encoder`);
    }
  }
});

test('every ConfigMap holds a configuration Classcast accepts, and a broken one is refused', () => {
  assert.ok(configMaps.length >= 3);
  for (const configMap of configMaps) {
    for (const [key, text] of Object.entries(configMap.data)) {
      const values = parseAllDocuments(text)[0]!.toJS() as Record<string, unknown>;
      assert.doesNotThrow(() => resolveConfig([{ source: `ConfigMap ${configMap.metadata.name} ${key}`, values }]), `${configMap.metadata.name}/${key}`);
    }
  }
  assert.throws(() => resolveConfig([{ source: 'a test', values: { relay: { upstreams: ['not a url'] } } }]), /relay\.upstreams/);
});

/**
 * The labels each pod of a workload carries: its template's, and for a StatefulSet also the
 * controller's per-pod name label, which a Service for one ingest node (rtmp-N-service.yaml) selects.
 */
function podLabels(workload: Workload): Array<Record<string, string>> {
  const labels = workload.spec.template.metadata.labels;
  if (workload.kind !== 'StatefulSet') return [labels];
  return Array.from({ length: workload.spec.replicas ?? 1 }, (_, index) => ({ ...labels, 'statefulset.kubernetes.io/pod-name': `${workload.metadata.name}-${index}` }));
}

test('Services and the Ingress reach ports the pods declare, through selectors that match pod labels', () => {
  for (const service of services) {
    const selected = workloads.filter((workload) => podLabels(workload).some((labels) => matches(service.spec.selector, labels)));
    assert.ok(selected.length > 0, `Service/${service.metadata.name}: its selector matches some pods`);
    for (const port of service.spec.ports) {
      const target = port.targetPort ?? port.port;
      for (const workload of selected) {
        const declared = workload.spec.template.spec.containers.some((container) => findPort(container.ports, target));
        assert.ok(declared, `Service/${service.metadata.name} port ${port.port} -> ${String(target)}: not a port of ${workload.metadata.name}`);
      }
    }
  }
  type Backend = { service: { name: string; port: { name?: string; number?: number } } };
  type Ingress = Manifest & { spec: { rules: Array<{ http: { paths: Array<{ path: string; backend: Backend }> } }> } };
  for (const ingress of ofKind<Ingress>('Ingress')) {
    for (const path of ingress.spec.rules.flatMap((rule) => rule.http.paths)) {
      const service = services.find((candidate) => candidate.metadata.name === path.backend.service.name);
      assert.ok(service, `Ingress path ${path.path}: Service ${path.backend.service.name} exists`);
      const { name, number } = path.backend.service.port;
      assert.ok(service.spec.ports.some((port) => (name !== undefined ? port.name === name : port.port === number)), `Ingress path ${path.path}: the Service has that port`);
    }
  }
  // The media paths go to a relay, the rest to the catalog.
  const ingressPaths = ofKind<Ingress>('Ingress').flatMap((ingress) => ingress.spec.rules.flatMap((rule) => rule.http.paths));
  const roleBehind = (path: string) => {
    const service = services.find((candidate) => candidate.metadata.name === ingressPaths.find((entry) => entry.path === path)?.backend.service.name);
    return service?.spec.selector['app.kubernetes.io/component'];
  };
  assert.equal(roleBehind('/live'), 'relay');
  assert.equal(roleBehind('/tracker'), 'relay');
  assert.equal(roleBehind('/'), 'catalog');
});

test('kubectl kustomize renders deploy/k8s into the namespace with the image set', (t) => {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (kubectl.error) return void t.skip(`kubectl is not installed (${kubectl.error.message}); the structural tests above still ran`);
  const rendered = spawnSync('kubectl', ['kustomize', k8sDir], { encoding: 'utf8' });
  assert.equal(rendered.status, 0, rendered.stderr);
  const documents = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as Manifest);
  assert.equal(documents.length, objects.length, 'every object is rendered');
  for (const document of documents) {
    if (document.kind !== 'Namespace') assert.equal((document.metadata as { namespace?: string }).namespace, 'classcast', `${String(document.kind)}/${String(document.metadata?.name)}`);
  }
  assert.doesNotMatch(rendered.stdout, /image: classcast\s*$/m, 'the image name is replaced by kustomization.yaml');
});

// ---- systemd ----

type Unit = { file: string; sections: Map<string, Array<[string, string]>> };

/** A unit file's sections as key/value lists (systemd's syntax: [Section], Key=Value, # comments, repeatable keys). */
function parseUnit(file: string): Unit {
  const sections = new Map<string, Array<[string, string]>>();
  let current: Array<[string, string]> | undefined;
  readFileSync(join(systemdDir, file), 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
      const section = /^\[([A-Za-z]+)\]$/.exec(line);
      if (section) {
        current = [];
        sections.set(section[1]!, current);
        return;
      }
      const pair = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
      assert.ok(pair && current, `${file}:${index + 1}: '${line}' is neither a [Section] nor Key=Value inside one`);
      current.push([pair[1]!, pair[2]!]);
    });
  return { file, sections };
}

const values = (unit: Unit, section: string, key: string) => (unit.sections.get(section) ?? []).filter(([name]) => name === key).map(([, value]) => value);
const value = (unit: Unit, section: string, key: string) => values(unit, section, key).at(-1);

const unitFiles = readdirSync(systemdDir).filter((name) => name.endsWith('.service')).sort();
const units = unitFiles.map(parseUnit);

/** A unit's ExecStart split: the role and the --config file. */
function execStart(unit: Unit): { role: string; configPath: string } {
  const command = value(unit, 'Service', 'ExecStart') ?? '';
  const match = /^\/usr\/bin\/node \/opt\/classcast\/bin\/classcast\.js (\S+) --config (\S+)$/.exec(command);
  assert.ok(match, `${unit.file}: ExecStart is 'node .../bin/classcast.js <role> --config FILE', got '${command}'`);
  return { role: match[1]!, configPath: match[2]! };
}

/** KEY=VALUE lines of an EnvironmentFile. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const pair = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (pair) env[pair[1]!] = pair[2]!;
  }
  return env;
}

test('every role a node runs has a unit, and every unit starts an existing role with a valid example configuration', () => {
  const deployable = Object.entries(roles)
    .filter(([name, starter]) => name !== 'all' && !('notBuilt' in starter))
    .map(([name]) => name);
  const started = units.map((unit) => execStart(unit).role);
  for (const role of deployable) assert.ok(started.includes(role), `a unit in deploy/systemd starts '${role}'`);
  const secretsEnv = envFile(join(systemdDir, 'secrets.env.example'));

  for (const unit of units) {
    for (const section of ['Unit', 'Service', 'Install']) assert.ok(unit.sections.has(section), `${unit.file}: [${section}]`);
    const { role, configPath } = execStart(unit);
    const starter = roles[role];
    assert.ok(starter && !('notBuilt' in starter), `${unit.file}: '${role}' is a role`);
    assert.equal(value(unit, 'Install', 'WantedBy'), 'multi-user.target');

    // Hardening, and the one directory the unit may write is where the role writes.
    const stateDirectory = value(unit, 'Service', 'StateDirectory');
    assert.ok(stateDirectory, `${unit.file}: StateDirectory`);
    const dataDir = `/var/lib/${stateDirectory}`;
    assert.ok(values(unit, 'Service', 'Environment').includes(`CLASSCAST_DATA_DIR=${dataDir}`), `${unit.file}: the data directory is the state directory`);
    assert.deepEqual(values(unit, 'Service', 'ReadWritePaths'), [dataDir], `${unit.file}: ReadWritePaths is the data directory only`);
    for (const [key, expected] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['CapabilityBoundingSet', '']] as const) {
      assert.equal(value(unit, 'Service', key), expected, `${unit.file}: ${key}=${expected}`);
    }
    assert.notEqual(value(unit, 'Service', 'User') ?? 'root', 'root', `${unit.file}: not run as root`);
    assert.ok(Number(value(unit, 'Service', 'LimitNOFILE') ?? 0) >= 16384, `${unit.file}: room for viewer sockets`);

    // The unit's configuration examples, loaded as the unit would load them.
    const template = unit.file.includes('@');
    const pattern = new RegExp(`^${basename(configPath).replace('.', '\\.').replace('%i', '(.+)')}$`);
    const examples = readdirSync(systemdDir).filter((name) => pattern.test(name));
    assert.ok(template ? examples.length >= 2 : examples.length === 1, `${unit.file}: deploy/systemd has an example of ${configPath}`);
    for (const example of examples) {
      const instance = pattern.exec(example)![1] ?? '';
      const env = {
        ...(values(unit, 'Service', 'EnvironmentFile').length > 0 ? secretsEnv : {}),
        ...Object.fromEntries(values(unit, 'Service', 'Environment').map((pair) => pair.replaceAll('%i', instance).split('=') as [string, string])),
      };
      const text = readFileSync(join(systemdDir, example), 'utf8');
      const config = resolveConfig([{ source: example, values: parseAllDocuments(text)[0]!.toJS() as Record<string, unknown> }, environmentLayer(env)]);
      assert.equal(config.dataDir, dataDir.replaceAll('%i', instance), `${example}: data directory`);
      assert.equal(config.demo.enabled, false, `${example}: no demo encoder`);
      if (role === 'relay') assert.ok(config.relay.upstreams.length > 0, `${example}: the relay has an upstream`);
      if (role !== 'relay') assert.match(config.databaseUrl ?? '', /^postgres/, `${example}: PostgreSQL from secrets.env`);
    }
  }
  // The ingest node stops its own ffmpeg children: only the main process gets the first signal.
  const ingest = units.find((unit) => execStart(unit).role === 'ingest')!;
  assert.equal(value(ingest, 'Service', 'KillMode'), 'mixed');
});

test('systemd-analyze verify accepts every unit', (t) => {
  const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (probe.error) return void t.skip(`systemd-analyze is not installed (${probe.error.message}); the structural test above still ran`);
  const dir = mkdtempSync(join(tmpdir(), 'classcast-units-'));
  try {
    // verify checks that ExecStart's binary exists: point it at this node rather than /usr/bin/node.
    const verify = (name: string, text: string) => {
      writeFileSync(join(dir, name), text.replaceAll('/usr/bin/node', process.execPath));
      const instance = name.replace('@.service', '@riverton.service');
      const result = spawnSync('systemd-analyze', ['verify', join(dir, instance)], { encoding: 'utf8' });
      // Unknown keys and bad values are only warnings (exit 0): any line about our unit fails the test.
      const output = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.includes(dir) || line.includes(instance));
      return { status: result.status, output };
    };
    for (const file of unitFiles) {
      const result = verify(file, readFileSync(join(systemdDir, file), 'utf8'));
      assert.equal(result.status, 0, `${file}: ${result.output.join('\n')}`);
      assert.deepEqual(result.output, [], `${file}: systemd-analyze warns`);
    }
    // The check can fail: a misspelled directive is reported.
    const broken = verify('classcast-broken.service', readFileSync(join(systemdDir, unitFiles[0]!), 'utf8').replace('ProtectHome=yes', 'ProtectHme=yes'));
    assert.ok(broken.output.some((line) => line.includes("Unknown key 'ProtectHme'")), broken.output.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- nginx ----

test('deploy/nginx/relay.conf is documented in docs/deploy.md and passes nginx -t', (t) => {
  assert.match(readFileSync(join(root, 'docs/deploy.md'), 'utf8'), /deploy\/nginx\/relay\.conf/);
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
  if (!nginx) return void t.skip('nginx is not installed (apt-get install nginx-light); test/e2e/nginx-relay.test.ts runs it for real where it is');
  const dir = mkdtempSync(join(tmpdir(), 'classcast-nginx-conf-'));
  try {
    const check = (text: string) => {
      const file = join(dir, 'relay.conf');
      writeFileSync(file, text);
      return spawnSync(nginx, ['-t', '-e', 'stderr', '-p', dir, '-c', file], { encoding: 'utf8' });
    };
    const placeholders: Record<string, string> = {
      __LISTEN__: '127.0.0.1:18080',
      __UPSTREAM_PRIMARY__: '10.0.0.5:8080',
      __UPSTREAM_STANDBY__: '10.0.0.6:8080',
      __CACHE_DIR__: dir,
      __PID_FILE__: join(dir, 'nginx.pid'),
      __LOG_DIR__: dir,
    };
    let config = readFileSync(join(root, 'deploy/nginx/relay.conf'), 'utf8');
    for (const [placeholder, replacement] of Object.entries(placeholders)) config = config.replaceAll(placeholder, replacement);
    assert.equal(config.match(/__[A-Z_]+__/g), null, 'every placeholder is filled');
    const result = check(config);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /test is successful/);
    // The check can fail: a misspelled directive is refused.
    const broken = check(config.replace('proxy_cache_lock on;', 'proxy_cache_lok on;'));
    assert.notEqual(broken.status, 0);
    assert.match(broken.stderr, /unknown directive "proxy_cache_lok"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
