import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DISPATCH_QUEUE } from '@sluice/queue';

/**
 * Deployment files, checked by parsing (no container engine or cluster needed): the kustomize
 * tree under infra/k8s (rendered per overlay by a small renderer here, and by `kubectl kustomize`
 * too when kubectl is on PATH), docker-compose.yml and the Dockerfile.
 */
const ROOT = resolve(__dirname, '../..');
const K8S = join(ROOT, 'infra/k8s');
const OVERLAYS = ['dev', 'production'] as const;
const IMAGE = 'ghcr.io/sluice/sluice';
const SECRET_KEYS = ['REDIS_URL', 'SLUICE_ENCRYPTION_KEY', 'SLUICE_BOOTSTRAP_ORG_KEY'];
/** Keys of the Secret that only KEDA reads (its redis scaler wants host:port, not a URL). */
const KEDA_ONLY_KEYS = ['REDIS_ADDRESS', 'REDIS_PASSWORD'];

type Doc = Record<string, any>;
interface Manifest {
  file: string;
  doc: Doc;
}

// ---------- loading ----------

function loadYaml(file: string, text = readFileSync(file, 'utf8')): Doc[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((d) => {
    if (d.errors.length > 0) throw new Error(`${relative(ROOT, file)}: ${d.errors.map((e) => e.message).join('; ')}`);
    const js = d.toJS() as Doc | null;
    return js == null ? [] : [js];
  });
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const isObj = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every file a kustomization points at (resources, patches, generators, components). */
function kustomizationRefs(k: Doc): string[] {
  const refs: string[] = [...(k.resources ?? []), ...(k.components ?? []), ...(k.patchesStrategicMerge ?? []), ...(k.crds ?? [])];
  for (const p of k.patches ?? []) if (p.path) refs.push(p.path);
  for (const p of k.patchesJson6902 ?? []) if (p.path) refs.push(p.path);
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    for (const f of [...(g.files ?? []), ...(g.envs ?? []), ...(g.env ? [g.env] : [])]) refs.push(String(f).replace(/^[^=]+=/, ''));
  }
  return refs;
}

// ---------- a small kustomize: resources, strategic-merge patches by kind/name, images, namespace ----------

/** Strategic merge as kustomize does it for these files: maps merge, lists of named items merge by name. */
function merge(base: any, patch: any): any {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (list: any[]) => list.every((x) => isObj(x) && typeof x.name === 'string');
    if (!named(base) || !named(patch)) return patch;
    const out = base.map((item) => {
      const p = patch.find((q: Doc) => q.name === item.name);
      return p ? merge(item, p) : item;
    });
    return [...out, ...patch.filter((p: Doc) => !base.some((b: Doc) => b.name === p.name))];
  }
  if (isObj(base) && isObj(patch)) {
    const out: Doc = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = key in base ? merge(base[key], value) : value;
    return out;
  }
  return patch;
}

function splitImage(ref: string): { name: string; tag?: string; digest?: string } {
  const m = /^(.+?)(?::([\w][\w.-]*))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(ref)!;
  return { name: m[1]!, tag: m[2], digest: m[3] };
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

function render(dir: string): Manifest[] {
  const k = loadYaml(join(dir, 'kustomization.yaml'))[0]!;
  const out: Manifest[] = [];
  for (const ref of k.resources ?? []) {
    const path = resolve(dir, ref);
    if (statSync(path).isDirectory()) out.push(...render(path));
    else out.push(...loadYaml(path).map((doc) => ({ file: path, doc })));
  }
  for (const p of k.patches ?? []) {
    const docs = p.path ? loadYaml(resolve(dir, p.path)) : loadYaml(`${dir} inline patch`, p.patch);
    for (const patch of docs) {
      // kustomize matches a patch on apiVersion, kind and name.
      const targets = out.filter(
        (m) => m.doc.apiVersion === patch.apiVersion && m.doc.kind === patch.kind && m.doc.metadata?.name === patch.metadata?.name,
      );
      if (targets.length !== 1) {
        throw new Error(`${relative(ROOT, dir)}: patch ${patch.apiVersion} ${patch.kind}/${patch.metadata?.name} matches ${targets.length} resources`);
      }
      targets[0]!.doc = merge(targets[0]!.doc, patch);
    }
  }
  for (const img of k.images ?? []) {
    for (const m of out) {
      for (const c of containersOf(m.doc)) {
        const ref = splitImage(c.image);
        if (ref.name !== img.name) continue;
        const name = img.newName ?? ref.name;
        c.image = img.digest ? `${name}@${img.digest}` : `${name}:${img.newTag ?? ref.tag}`;
      }
    }
  }
  if (k.namespace) {
    for (const m of out) {
      if (m.doc.kind === 'Namespace') m.doc.metadata.name = k.namespace;
      else if (!CLUSTER_SCOPED.has(m.doc.kind)) m.doc.metadata = { ...m.doc.metadata, namespace: k.namespace };
    }
  }
  return out;
}

const HAVE_KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function kubectlRender(dir: string): Manifest[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${relative(ROOT, dir)} failed: ${r.stderr}`);
  return loadYaml(`kubectl kustomize ${dir}`, r.stdout).map((doc) => ({ file: 'kubectl kustomize', doc }));
}

// ---------- helpers over rendered manifests ----------

function podSpecOf(doc: Doc): Doc | undefined {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(doc.kind)) return doc.spec?.template?.spec;
  if (doc.kind === 'CronJob') return doc.spec?.jobTemplate?.spec?.template?.spec;
  if (doc.kind === 'Pod') return doc.spec;
  return undefined;
}

function containersOf(doc: Doc): Doc[] {
  const spec = podSpecOf(doc);
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

const byKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);

function one(docs: Doc[], kind: string, name?: string): Doc {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

/** The Sluice Deployment whose container runs the given SLUICE_ROLE (set by `env:`, which beats envFrom). */
function deploymentFor(docs: Doc[], role: 'ingress' | 'worker'): Doc {
  const found = byKind(docs, 'Deployment').filter((d) =>
    containersOf(d).some((c) => splitImage(c.image).name === IMAGE && (c.env ?? []).some((e: Doc) => e.name === 'SLUICE_ROLE' && e.value === role)),
  );
  if (found.length !== 1) throw new Error(`expected one Deployment with SLUICE_ROLE=${role}, found ${found.length}`);
  return found[0]!;
}

const sluiceContainer = (d: Doc): Doc => containersOf(d).find((c) => splitImage(c.image).name === IMAGE)!;

/** A probe's or Service's port (number or name) as the container port number it reaches. */
function portNumber(container: Doc, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: Doc) => p.name === port)?.containerPort;
}

function selects(selector: Doc | undefined, labels: Doc | undefined): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

function envExampleKeys(): string[] {
  return [...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** The Secret template (not rendered: it is deliberately kept out of every kustomization). */
function secretTemplate(): { file: string; doc: Doc; keys: string[] } {
  const found = yamlFilesUnder(K8S).flatMap((file) => loadYaml(file).filter((d) => d.kind === 'Secret').map((doc) => ({ file, doc })));
  expect(found).toHaveLength(1);
  const { file, doc } = found[0]!;
  return { file, doc, keys: Object.keys({ ...(doc.data ?? {}), ...(doc.stringData ?? {}) }) };
}

// ---------- the kustomize tree ----------

describe('infra/k8s: files and kustomizations', () => {
  const files = yamlFilesUnder(K8S);
  const kustomizations = files.filter((f) => basename(f) === 'kustomization.yaml');

  it('has a base and the two overlays, every YAML file parsing (multi-document aware)', () => {
    expect(kustomizations.map((f) => relative(K8S, f)).sort()).toEqual(
      ['base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/production/kustomization.yaml'],
    );
    const docs = files.flatMap((f) => loadYaml(f));
    expect(docs.length).toBeGreaterThanOrEqual(files.length);
    for (const d of docs) expect(typeof d.kind).toBe('string');
  });

  it.each(kustomizations.map((f) => [relative(K8S, f), f]))('%s lists only files that exist', (_name, file) => {
    const dir = resolve(file, '..');
    const refs = kustomizationRefs(loadYaml(file)[0]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const path = resolve(dir, ref);
      expect({ ref, exists: existsSync(path) }).toEqual({ ref, exists: true });
      if (statSync(path).isDirectory()) expect({ ref, kustomization: existsSync(join(path, 'kustomization.yaml')) }).toEqual({ ref, kustomization: true });
    }
  });

  it('overlays build on the base', () => {
    for (const o of OVERLAYS) expect(loadYaml(join(K8S, 'overlays', o, 'kustomization.yaml'))[0]!.resources).toContain('../../base');
  });

  it('every base manifest is a resource of the base, except the Secret template, which none applies', () => {
    const base = loadYaml(join(K8S, 'base/kustomization.yaml'))[0]!;
    const { file: template } = secretTemplate();
    const manifests = yamlFilesUnder(join(K8S, 'base')).filter((f) => basename(f) !== 'kustomization.yaml' && f !== template);
    expect(manifests.map((f) => basename(f)).sort()).toEqual([...base.resources].sort());
    for (const k of kustomizations) {
      const dir = resolve(k, '..');
      for (const ref of kustomizationRefs(loadYaml(k)[0]!)) expect(resolve(dir, ref)).not.toBe(template);
    }
  });
});

// ---------- each overlay, rendered ----------

const renderers: Array<[string, (dir: string) => Manifest[]]> = [['renderer', render]];
if (HAVE_KUBECTL) renderers.push(['kubectl kustomize', kubectlRender]);

describe.each(OVERLAYS.flatMap((o) => renderers.map(([via, fn]) => [o, via, fn] as const)))('overlays/%s (%s)', (overlay, _via, fn) => {
  const dir = join(K8S, 'overlays', overlay);
  let docs: Doc[] = [];
  let config: Doc = {};
  beforeAll(() => {
    docs = fn(dir).map((m) => m.doc);
    config = one(docs, 'ConfigMap').data ?? {};
  });

  it('renders both Sluice Deployments, ingress and worker, each with its SLUICE_ROLE', () => {
    expect(deploymentFor(docs, 'ingress').metadata.name).not.toBe(deploymentFor(docs, 'worker').metadata.name);
  });

  it('probes: ingress startup, readiness /readyz, liveness /healthz; worker liveness /healthz; all on the app port', () => {
    const ingress = sluiceContainer(deploymentFor(docs, 'ingress'));
    const worker = sluiceContainer(deploymentFor(docs, 'worker'));
    expect(ingress.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(ingress.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(ingress.startupProbe?.httpGet ?? ingress.startupProbe?.tcpSocket).toBeDefined();
    expect(worker.livenessProbe?.httpGet?.path).toBe('/healthz');
    const appPort = Number(config.PORT ?? 8080);
    expect(appPort).toBe(8080);
    for (const c of [ingress, worker]) {
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean)) {
        if (probe.httpGet) expect(portNumber(c, probe.httpGet.port)).toBe(appPort);
      }
    }
  });

  it('security: non-root uid 1000, no privilege escalation, ALL capabilities dropped, read-only root, RuntimeDefault seccomp', () => {
    for (const role of ['ingress', 'worker'] as const) {
      const d = deploymentFor(docs, role);
      const pod = podSpecOf(d)!;
      const c = sluiceContainer(d);
      const sc = { ...(pod.securityContext ?? {}), ...(c.securityContext ?? {}) };
      expect({ role, runAsNonRoot: sc.runAsNonRoot, runAsUser: sc.runAsUser }).toEqual({ role, runAsNonRoot: true, runAsUser: 1000 });
      expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext?.capabilities?.drop).toContain('ALL');
      expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(sc.seccompProfile?.type).toBe('RuntimeDefault');
      // A read-only root needs a writable /tmp, from an emptyDir.
      const tmp = (c.volumeMounts ?? []).find((m: Doc) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect((pod.volumes ?? []).find((v: Doc) => v.name === tmp.name)?.emptyDir).toBeDefined();
    }
    // Every workload container (the dev Redis too) meets the `restricted` Pod Security Standard.
    for (const d of docs) {
      const pod = podSpecOf(d);
      for (const c of containersOf(d)) {
        const sc = { ...(pod?.securityContext ?? {}), ...(c.securityContext ?? {}) };
        const where = `${d.kind}/${d.metadata.name}/${c.name}`;
        expect({ where, nonRoot: sc.runAsNonRoot === true && sc.runAsUser !== 0 }).toEqual({ where, nonRoot: true });
        expect({ where, escalation: c.securityContext?.allowPrivilegeEscalation }).toEqual({ where, escalation: false });
        expect({ where, drop: c.securityContext?.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
        expect({ where, seccomp: sc.seccompProfile?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
      }
    }
  });

  it('every container has cpu and memory requests and limits', () => {
    const containers = docs.flatMap((d) => containersOf(d).map((c) => ({ where: `${d.kind}/${d.metadata.name}/${c.name}`, c })));
    expect(containers.length).toBeGreaterThanOrEqual(2);
    for (const { where, c } of containers) {
      const r = c.resources ?? {};
      expect({ where, requests: [r.requests?.cpu, r.requests?.memory].every(Boolean), limits: [r.limits?.cpu, r.limits?.memory].every(Boolean) }).toEqual({
        where,
        requests: true,
        limits: true,
      });
    }
  });

  it('terminationGracePeriodSeconds >= 30 on both (the app drains within 25 s of SIGTERM)', () => {
    for (const role of ['ingress', 'worker'] as const) {
      const pod = podSpecOf(deploymentFor(docs, role))!;
      const preStopSleep = Number(pod.containers.find((c: Doc) => c.lifecycle?.preStop)?.lifecycle.preStop.exec?.command?.[1] ?? 0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Math.max(30, 25 + preStopSleep));
    }
  });

  it('both Deployments load the ConfigMap and the Secret with envFrom', () => {
    const cm = one(docs, 'ConfigMap');
    const secret = secretTemplate().doc;
    for (const role of ['ingress', 'worker'] as const) {
      const envFrom = sluiceContainer(deploymentFor(docs, role)).envFrom ?? [];
      expect(envFrom.map((e: Doc) => e.configMapRef?.name).filter(Boolean)).toEqual([cm.metadata.name]);
      expect(envFrom.map((e: Doc) => e.secretRef?.name).filter(Boolean)).toEqual([secret.metadata.name]);
      expect(envFrom.every((e: Doc) => (e.configMapRef ?? e.secretRef).optional !== true)).toBe(true);
    }
  });

  it('every .env.example key is wired: secrets in the Secret, the rest in the ConfigMap, nothing unknown', () => {
    const keys = envExampleKeys();
    expect(keys.length).toBeGreaterThan(20);
    const secretKeys = secretTemplate().keys;
    const cmKeys = Object.keys(config);
    for (const key of keys) expect({ key, wired: cmKeys.includes(key) || secretKeys.includes(key) }).toEqual({ key, wired: true });
    for (const key of SECRET_KEYS) {
      expect(secretKeys).toContain(key);
      expect(cmKeys).not.toContain(key);
    }
    expect(cmKeys.filter((k) => !keys.includes(k))).toEqual([]);
    expect(secretKeys.filter((k) => !keys.includes(k) && !KEDA_ONLY_KEYS.includes(k))).toEqual([]);
    expect(cmKeys.filter((k) => secretKeys.includes(k))).toEqual([]);
    // ConfigMap values are strings (a bare number or boolean would not apply).
    for (const [key, value] of Object.entries(config)) expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
    if (overlay === 'production') expect(config.NODE_ENV).toBe('production');
  });

  it('the Secret template holds only marked placeholders and says to use sealed-secrets/external-secrets', () => {
    const { file, doc } = secretTemplate();
    const values = { ...(doc.stringData ?? {}) } as Record<string, string>;
    expect(doc.data).toBeUndefined();
    for (const key of [...SECRET_KEYS, 'REDIS_PASSWORD']) expect({ key, placeholder: /REPLACE_ME/.test(values[key] ?? '') }).toEqual({ key, placeholder: true });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/sealed-secrets/);
    expect(text).toMatch(/external-secrets/);
  });

  it(`the image is ${IMAGE} with a pinned tag set by the overlay's images:`, () => {
    const k = loadYaml(join(dir, 'kustomization.yaml'))[0]!;
    const entry = (k.images ?? []).find((i: Doc) => i.name === IMAGE);
    expect(entry).toBeDefined();
    expect(entry.digest ?? entry.newTag).toBeTruthy();
    if (!entry.digest) expect(String(entry.newTag)).not.toMatch(/^(latest|main|master|edge)$/);
    for (const role of ['ingress', 'worker'] as const) {
      const ref = splitImage(sluiceContainer(deploymentFor(docs, role)).image);
      expect(ref.name).toBe(IMAGE);
      expect(ref.digest ?? ref.tag).toBeTruthy();
      expect(ref.tag).not.toBe('latest');
    }
    for (const c of docs.flatMap(containersOf)) {
      const ref = splitImage(c.image);
      expect({ image: c.image, pinned: Boolean(ref.digest || (ref.tag && ref.tag !== 'latest')) }).toEqual({ image: c.image, pinned: true });
    }
  });

  it('the HPA (autoscaling/v2) scales the ingress Deployment on CPU utilization', () => {
    const hpa = one(docs, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentFor(docs, 'ingress').metadata.name });
    const cpu = (hpa.spec.metrics ?? []).find((m: Doc) => m.type === 'Resource' && m.resource?.name === 'cpu');
    expect(cpu?.resource.target.type).toBe('Utilization');
    expect(cpu?.resource.target.averageUtilization).toBeGreaterThan(0);
    expect(cpu?.resource.target.averageUtilization).toBeLessThanOrEqual(100);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    // The HPA owns the count: a replicas field would reset it on every apply.
    expect(deploymentFor(docs, 'ingress').spec.replicas).toBeUndefined();
  });

  it('the KEDA ScaledObject scales the worker Deployment on the BullMQ wait list, credentials from the Secret', () => {
    const so = one(docs, 'ScaledObject');
    const worker = deploymentFor(docs, 'worker');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec.scaleTargetRef.name).toBe(worker.metadata.name);
    expect(so.spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
    expect(worker.spec.replicas).toBeUndefined();
    expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(so.spec.maxReplicaCount).toBeGreaterThanOrEqual(so.spec.minReplicaCount);
    const triggers = so.spec.triggers ?? [];
    expect(triggers).toHaveLength(1);
    const t = triggers[0]!;
    expect(t.type).toBe('redis');
    // BullMQ keys are <prefix>:<queue>:wait, and Sluice's BullMQ prefix is `${SLUICE_REDIS_PREFIX}:bull`.
    expect(readFileSync(join(ROOT, 'apps/server/src/start.ts'), 'utf8')).toContain('`${config.redisPrefix}:bull`');
    expect(t.metadata.listName).toBe(`${config.SLUICE_REDIS_PREFIX || 'sluice'}:bull:${DISPATCH_QUEUE}:wait`);
    expect(t.metadata.listName).toBe('sluice:bull:dispatch:wait');
    expect(t.metadata.listLength).toMatch(/^[1-9]\d*$/);
    const auth = one(docs, 'TriggerAuthentication', t.authenticationRef?.name);
    const secret = secretTemplate();
    const refs = auth.spec.secretTargetRef ?? [];
    expect(refs.map((r: Doc) => r.parameter).sort()).toEqual(['address', 'password']);
    for (const r of refs) {
      expect(r.name).toBe(secret.doc.metadata.name);
      expect(secret.keys).toContain(r.key);
    }
  });

  it('a PodDisruptionBudget covers each Deployment', () => {
    const pdbs = byKind(docs, 'PodDisruptionBudget');
    for (const role of ['ingress', 'worker'] as const) {
      const labels = deploymentFor(docs, role).spec.template.metadata.labels;
      const covering = pdbs.filter((p) => selects(p.spec.selector?.matchLabels, labels));
      expect({ role, pdbs: covering.length }).toEqual({ role, pdbs: 1 });
      expect(covering[0]!.apiVersion).toBe('policy/v1');
      expect(covering[0]!.spec.maxUnavailable ?? covering[0]!.spec.minAvailable).toBeDefined();
    }
  });

  it('the Service selects the ingress pods (only) and reaches the app port', () => {
    const svc = one(docs, 'Service', deploymentFor(docs, 'ingress').metadata.name);
    const ingress = deploymentFor(docs, 'ingress');
    expect(selects(svc.spec.selector, ingress.spec.template.metadata.labels)).toBe(true);
    expect(selects(svc.spec.selector, deploymentFor(docs, 'worker').spec.template.metadata.labels)).toBe(false);
    for (const p of svc.spec.ports) expect(portNumber(sluiceContainer(ingress), p.targetPort)).toBe(8080);
  });

  it('both pod templates carry prometheus.io scrape/port/path annotations for /metrics', () => {
    for (const role of ['ingress', 'worker'] as const) {
      const d = deploymentFor(docs, role);
      const a = d.spec.template.metadata.annotations ?? {};
      expect(a['prometheus.io/scrape']).toBe('true');
      expect(a['prometheus.io/path']).toBe('/metrics');
      expect(Number(a['prometheus.io/port'])).toBe(portNumber(sluiceContainer(d), 'http'));
    }
  });

  it('everything lands in the overlay namespace', () => {
    const ns = loadYaml(join(dir, 'kustomization.yaml'))[0]!.namespace;
    expect(ns).toBeTruthy();
    for (const d of docs.filter((x) => !CLUSTER_SCOPED.has(x.kind))) expect(`${d.kind}/${d.metadata.name} in ${d.metadata.namespace}`).toBe(`${d.kind}/${d.metadata.name} in ${ns}`);
  });
});

// ---------- docker-compose.yml ----------

describe('docker-compose.yml', () => {
  const compose = loadYaml(join(ROOT, 'docker-compose.yml'))[0]!;
  const services: Doc = compose.services ?? {};
  const words = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/\s+/) : []);
  const envOf = (svc: Doc): Record<string, string> =>
    Array.isArray(svc.environment)
      ? Object.fromEntries(svc.environment.map((e: string) => [e.split('=')[0], e.split('=').slice(1).join('=')]))
      : { ...(svc.environment ?? {}) };
  const dependsOn = (svc: Doc, name: string): string | undefined =>
    Array.isArray(svc.depends_on) ? (svc.depends_on.includes(name) ? 'service_started' : undefined) : svc.depends_on?.[name]?.condition;

  it('redis: AOF on with an appendfsync policy, maxmemory-policy noeviction, a healthcheck', () => {
    const redis = services.redis;
    expect(redis).toBeDefined();
    const cmd = words(redis.command);
    const arg = (flag: string) => cmd[cmd.indexOf(flag) + 1];
    expect(cmd).toContain('--appendonly');
    expect(arg('--appendonly')).toBe('yes');
    expect(['everysec', 'always']).toContain(arg('--appendfsync'));
    expect(arg('--maxmemory-policy')).toBe('noeviction');
    expect(redis.healthcheck?.test).toBeDefined();
  });

  it('ingress and worker: one image, SLUICE_ROLE each, started after a healthy Redis, health-checked', () => {
    const { ingress, worker } = services;
    expect(ingress?.image).toBeTruthy();
    expect(worker?.image).toBe(ingress.image);
    expect(envOf(ingress).SLUICE_ROLE).toBe('ingress');
    expect(envOf(worker).SLUICE_ROLE).toBe('worker');
    for (const svc of [ingress, worker]) expect(dependsOn(svc, 'redis')).toBe('service_healthy');
    expect(ingress.healthcheck?.test).toBeDefined();
    // The worker uses the image's HEALTHCHECK (/healthz) unless it declares its own; never disabled.
    expect(worker.healthcheck?.disable).not.toBe(true);
    expect(worker.healthcheck?.test ?? dockerfileHealthcheck()).toBeTruthy();
  });
});

// ---------- Dockerfile ----------

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments and parser directives dropped. */
function dockerfileInstructions(): Instruction[] {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');
  const out: Instruction[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (current && line.startsWith('#')) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(current)!;
    out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
    current = '';
  }
  return out;
}

interface Stage {
  from: string;
  name?: string;
  body: Instruction[];
}

function dockerfileStages(): Stage[] {
  const stages: Stage[] = [];
  for (const ins of dockerfileInstructions()) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args)!;
      stages.push({ from: m[1]!, name: m[2], body: [] });
    } else stages.at(-1)?.body.push(ins);
  }
  return stages;
}

function dockerfileHealthcheck(): string | undefined {
  return dockerfileStages().at(-1)?.body.find((i) => i.op === 'HEALTHCHECK')?.args;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const final = stages.at(-1)!;

  it('is multi-stage, every stage FROM node:20', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toMatch(/^node:20(?:[.-]|$)/);
  });

  it('the final stage runs as the non-root `node` user', () => {
    const users = final.body.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.at(-1)).toBe('node');
    const last = final.body.map((i) => i.op).lastIndexOf('USER');
    expect(final.body.slice(last).filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('production node_modules come from `npm ci --omit=dev`', () => {
    const copy = final.body.find((i) => i.op === 'COPY' && /--from=(\S+)/.test(i.args) && /node_modules/.test(i.args));
    expect(copy).toBeDefined();
    const from = /--from=(\S+)/.exec(copy!.args)![1];
    const source = stages.find((s) => s.name === from);
    expect(source).toBeDefined();
    expect(source!.body.some((i) => i.op === 'RUN' && /\bnpm ci\b[^&|;]*--omit=dev/.test(i.args))).toBe(true);
  });

  it('HEALTHCHECK probes /healthz', () => {
    expect(dockerfileHealthcheck()).toMatch(/\/healthz/);
  });

  it('ENTRYPOINT/CMD are exec form (a JSON array, no shell wrapper), so node gets SIGTERM', () => {
    const starts = final.body.filter((i) => i.op === 'ENTRYPOINT' || i.op === 'CMD');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    for (const s of starts) {
      const argv = JSON.parse(s.args) as unknown;
      expect(Array.isArray(argv)).toBe(true);
      const [exe, flag] = argv as string[];
      expect(exe).not.toMatch(/(^|\/)(sh|bash|ash|dash|env)$/);
      expect(flag).not.toBe('-c');
    }
  });
});
