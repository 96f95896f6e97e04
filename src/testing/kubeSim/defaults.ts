/**
 * The API server's defaulting of pod specs (in Pods and in the pod templates of workloads) and of
 * Service specs, as SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Service and friends in
 * k8s.io/kubernetes pkg/apis/core/v1/defaults.go do for the fields clients read back: restart
 * and DNS policy, scheduler, grace period, termination message, image pull policy, container port
 * protocols, and Service port protocol/targetPort, IP families and traffic policy. Applied on
 * create and on every update, so equal manifests give equal templates (and pod-template hashes).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Always` for images without a tag or tagged `latest` (a digest pins the image), else `IfNotPresent`. */
export function imagePullPolicyFor(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function containerDefaults(c: unknown): void {
  if (!isObj(c)) return;
  if (typeof c.image === 'string') c.imagePullPolicy ??= imagePullPolicyFor(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) p.protocol ??= 'TCP';
}

export function podSpecDefaults(spec: unknown): void {
  if (!isObj(spec)) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (Array.isArray(containers)) for (const c of containers) containerDefaults(c);
  }
}

/** Defaults the pod spec inside an object of `resource` (a Pod, a workload's template, a CronJob's job template). */
export function workloadDefaults(resource: string, obj: Obj): void {
  const spec = obj.spec;
  if (!isObj(spec)) return;
  if (resource === 'pods') return podSpecDefaults(spec);
  if (['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets', 'daemonsets', 'jobs'].includes(resource) && isObj(spec.template)) return podSpecDefaults(spec.template.spec);
  if (resource === 'cronjobs' && isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) && isObj(spec.jobTemplate.spec.template)) podSpecDefaults(spec.jobTemplate.spec.template.spec);
}

/**
 * Service port and address-family defaults (the cluster IP itself is allocated on create).
 * NodePort and LoadBalancer ports get a node port from 30000-32767 (kept across updates, by port).
 */
export function serviceSpecDefaults(spec: Obj, previous?: Obj): void {
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    const old = Array.isArray(previous?.ports) ? (previous.ports as unknown[]).filter(isObj) : [];
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!isObj(p) || p.nodePort !== undefined) continue;
        p.nodePort = old.find((o) => o.port === p.port && typeof o.nodePort === 'number')?.nodePort ?? 30000 + Math.floor(Math.random() * 2768);
      }
    }
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isObj(p)) continue;
      p.protocol ??= 'TCP';
      if (p.targetPort === undefined && typeof p.port === 'number') p.targetPort = p.port;
    }
  }
  if (spec.type === 'ExternalName') return;
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None') spec.clusterIPs ??= [spec.clusterIP];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
}
