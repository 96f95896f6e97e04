/**
 * Bulk seeding of converged workloads from a seed, for scale tests and benchmarks: namespaces,
 * Deployments with their current ReplicaSet and running, ready Pods, and a Service per
 * Deployment. Objects are written already converged (controllers do not react), so 50,000 pods
 * take about as long as storing them.
 */
import type { KubeObj } from './objectStore.js';
import type { SimCluster } from './SimCluster.js';
import type { Controllers } from './controllers.js';
import { templateHash } from './controllers.js';
import { z } from 'zod';
import { prng } from '../prng.js';

export const seedSpecSchema = z
  .object({
    namespaces: z.number().int().min(1).max(10_000).default(1),
    /** Deployments per namespace. */
    deployments: z.number().int().min(0).max(100_000).default(1),
    podsPerDeployment: z.number().int().min(0).max(1000).default(1),
    /** Spinnaker application names are `{appPrefix}{n}`; deployments spread over `applications`. */
    applications: z.number().int().min(1).max(100_000).default(1),
    appPrefix: z.string().regex(/^[a-z][a-z0-9]*$/).default('app'),
    namespacePrefix: z.string().regex(/^[a-z][a-z0-9-]*$/).default('ns'),
    services: z.boolean().default(true),
    seed: z.number().int().default(1),
  })
  .strict();

export type SeedSpec = z.input<typeof seedSpecSchema>;


export function seedCluster(cluster: SimCluster, controllers: Controllers | undefined, input: SeedSpec): { objects: number; resourceVersion: number } {
  const spec = seedSpecSchema.parse(input);
  const rand = prng(spec.seed);
  const t = (g: string, r: string): ReturnType<SimCluster['type']> => cluster.type(g, 'v1', r);
  const [nsType, depType, rsType, podType, svcType] = [t('', 'namespaces'), t('apps', 'deployments'), t('apps', 'replicasets'), t('', 'pods'), t('', 'services')];
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let objects = 0;
  const put = (type: ReturnType<SimCluster['type']>, o: KubeObj): KubeObj => {
    objects++;
    return cluster.put(type, o);
  };
  const run = (): void => {
    let counter = 0;
    for (let n = 0; n < spec.namespaces; n++) {
      const namespace = `${spec.namespacePrefix}${n}`;
      if (cluster.tryGet(nsType, undefined, namespace) === undefined) put(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
      for (let d = 0; d < spec.deployments; d++) {
        const app = `${spec.appPrefix}${counter++ % spec.applications}`;
        const name = `${app}-d${n}x${d}`;
        const labels = { app: name };
        const template = {
          metadata: { labels },
          spec: { containers: [{ name: 'main', image: `registry.example/${app}:${1 + Math.floor(rand() * 100)}`, ports: [{ containerPort: 8080, protocol: 'TCP' }] }] },
        };
        const hash = templateHash(template);
        const replicas = spec.podsPerDeployment;
        const annotations = { 'moniker.spinnaker.io/application': app, 'moniker.spinnaker.io/cluster': `deployment ${name}` };
        const dep = put(depType, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace, labels: { ...labels, 'app.kubernetes.io/managed-by': 'spinnaker' }, annotations: { ...annotations, 'deployment.kubernetes.io/revision': '1' } },
          spec: { replicas, selector: { matchLabels: labels }, template, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate' } },
          status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] },
        });
        const owner = (o: KubeObj): NonNullable<KubeObj['metadata']['ownerReferences']> => [{ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
        const rsLabels = { ...labels, 'pod-template-hash': hash };
        const rs = put(rsType, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: `${name}-${hash}`, namespace, labels: rsLabels, annotations: { ...annotations, 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': String(replicas) }, ownerReferences: owner(dep) },
          spec: { replicas, selector: { matchLabels: rsLabels }, template: { ...template, metadata: { labels: rsLabels } } },
          status: { observedGeneration: 1, replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas },
        });
        for (let p = 0; p < replicas; p++) {
          put(podType, {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `${rs.metadata.name ?? ''}-p${p}`, namespace, labels: rsLabels, annotations, ownerReferences: owner(rs) },
            spec: { ...template.spec, nodeName: `sim-node-${1 + (p % 3)}` },
            status: {
              phase: 'Running',
              podIP: `10.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}.${1 + Math.floor(rand() * 250)}`,
              hostIP: `10.0.0.${1 + (p % 3)}`,
              startTime: now,
              conditions: [{ type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
              containerStatuses: [{ name: 'main', image: template.spec.containers[0]?.image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } }],
            },
          });
        }
        if (spec.services) {
          put(svcType, {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name, namespace, annotations: { 'moniker.spinnaker.io/application': app } },
            spec: { type: 'ClusterIP', selector: labels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: `10.96.${Math.floor(rand() * 250)}.${1 + Math.floor(rand() * 250)}` },
          });
        }
      }
    }
  };
  if (controllers === undefined) run();
  else controllers.suspend(run);
  return { objects, resourceVersion: cluster.store.resourceVersion };
}
