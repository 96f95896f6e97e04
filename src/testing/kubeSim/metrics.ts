/**
 * The resource metrics API (metrics.k8s.io/v1beta1, served by metrics-server in a real cluster):
 * PodMetrics for running pods and NodeMetrics for nodes, computed on request. Usage is made up
 * but stable: a few millicores and mebibytes per container derived from the pod and container
 * names; a node reports a base load plus its pods. Enough for `kubectl top pod|node`.
 */
import { createHash } from 'node:crypto';
import type { SimCluster } from './SimCluster.js';
import type { KubeObj } from './objectStore.js';
import type { ResourceType } from './resources.js';
import { parseLabelSelector } from './selectors.js';
import { notFound } from './status.js';

type Obj = Record<string, unknown>;
const API_VERSION = 'metrics.k8s.io/v1beta1';
const WINDOW = '15s';

function seeded(text: string, modulo: number): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % modulo;
}

function containerUsage(pod: KubeObj, container: string): { cpuMilli: number; memoryMi: number } {
  const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}/${container}`;
  return { cpuMilli: 1 + seeded(`cpu:${key}`, 50), memoryMi: 8 + seeded(`mem:${key}`, 120) };
}

const running = (p: KubeObj): boolean => (p.status as { phase?: string } | undefined)?.phase === 'Running' && p.metadata.deletionTimestamp === undefined;
const containersOf = (p: KubeObj): string[] => ((p.spec as { containers?: { name?: string }[] } | undefined)?.containers ?? []).map((c) => c.name ?? '');
const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function podMetrics(pod: KubeObj): Obj {
  return {
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: now(), ...(pod.metadata.labels === undefined ? {} : { labels: pod.metadata.labels }) },
    timestamp: now(),
    window: WINDOW,
    containers: containersOf(pod).map((name) => {
      const u = containerUsage(pod, name);
      return { name, usage: { cpu: `${u.cpuMilli}m`, memory: `${u.memoryMi}Mi` } };
    }),
  };
}

function nodeMetrics(cluster: SimCluster, node: KubeObj): Obj {
  const pods = cluster.store.list('/pods').filter((p) => running(p) && (p.spec as { nodeName?: string } | undefined)?.nodeName === node.metadata.name);
  let cpu = 100;
  let memory = 512;
  for (const p of pods) {
    for (const c of containersOf(p)) {
      const u = containerUsage(p, c);
      cpu += u.cpuMilli;
      memory += u.memoryMi;
    }
  }
  return { metadata: { name: node.metadata.name, creationTimestamp: now(), ...(node.metadata.labels === undefined ? {} : { labels: node.metadata.labels }) }, timestamp: now(), window: WINDOW, usage: { cpu: `${cpu}m`, memory: `${memory}Mi` } };
}

export function metricsList(cluster: SimCluster, type: ResourceType, namespace: string | undefined, labelSelector: string | undefined): Obj {
  const selector = parseLabelSelector(labelSelector ?? '');
  const items =
    type.resource === 'nodes'
      ? cluster.store.list('/nodes').filter((n) => selector.matches(n.metadata.labels)).map((n) => nodeMetrics(cluster, n))
      : cluster.store.list('/pods', namespace).filter((p) => running(p) && selector.matches(p.metadata.labels)).map(podMetrics);
  return { kind: `${type.kind}List`, apiVersion: API_VERSION, metadata: {}, items };
}

export function metricsOf(cluster: SimCluster, type: ResourceType, namespace: string | undefined, name: string): Obj {
  if (type.resource === 'nodes') {
    const node = cluster.store.get('/nodes', undefined, name);
    if (node === undefined) throw notFound(type.resource, type.group, name);
    return { kind: type.kind, apiVersion: API_VERSION, ...nodeMetrics(cluster, node) };
  }
  const pod = cluster.store.get('/pods', namespace, name);
  if (pod === undefined || !running(pod)) throw notFound(type.resource, type.group, name);
  return { kind: type.kind, apiVersion: API_VERSION, ...podMetrics(pod) };
}
