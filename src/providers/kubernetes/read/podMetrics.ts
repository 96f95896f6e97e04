/**
 * Pod resource usage as a manifest's `metrics` (`KubernetesPodMetric.ContainerMetric`): one entry
 * per container, `{containerName, metrics: {"CPU(cores)": "3m", "MEMORY(bytes)": "12Mi"}}`, the
 * columns and units of `kubectl top pod --containers`, which Clouddriver parses. Deck's manifest
 * resources pane reads these two keys. Input is a `metrics.k8s.io` PodMetrics object.
 */
export interface ContainerMetric {
  readonly containerName: string;
  readonly metrics: Readonly<Record<string, string>>;
}

const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** A Kubernetes quantity (`250m`, `1.5`, `129Mi`, `1e3`) in base units; undefined when malformed. */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity.trim());
  if (match === null) return undefined;
  const [, number = '', exponent, suffix = ''] = match;
  const scale = exponent !== undefined ? 10 ** Number(exponent.slice(1)) : (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
  return Number(number) * scale;
}

/** kubectl top's CPU column: millicores rounded up. */
const cpuColumn = (q: string | undefined): string | undefined => {
  const cores = q === undefined ? undefined : parseQuantity(q);
  return cores === undefined ? undefined : `${Math.ceil(Math.round(cores * 1e9) / 1e6)}m`;
};

/** kubectl top's memory column: whole mebibytes (bytes rounded up, then divided down). */
const memoryColumn = (q: string | undefined): string | undefined => {
  const bytes = q === undefined ? undefined : parseQuantity(q);
  return bytes === undefined ? undefined : `${Math.floor(Math.ceil(bytes) / 2 ** 20)}Mi`;
};

/** Container metrics of a PodMetrics object; [] for anything else. */
export function containerMetrics(podMetrics: unknown): ContainerMetric[] {
  const containers = (podMetrics as { containers?: unknown } | null | undefined)?.containers;
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((c: unknown) => {
    const { name, usage } = (c ?? {}) as { name?: unknown; usage?: { cpu?: unknown; memory?: unknown } };
    if (typeof name !== 'string') return [];
    const cpu = cpuColumn(typeof usage?.cpu === 'string' ? usage.cpu : undefined);
    const memory = memoryColumn(typeof usage?.memory === 'string' ? usage.memory : undefined);
    const metrics: Record<string, string> = {};
    if (cpu !== undefined) metrics['CPU(cores)'] = cpu;
    if (memory !== undefined) metrics['MEMORY(bytes)'] = memory;
    return [{ containerName: name, metrics }];
  });
}
