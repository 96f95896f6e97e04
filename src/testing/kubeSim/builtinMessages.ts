/**
 * The shapes of the built-in API types the simulator understands beyond plain JSON: their
 * protobuf field numbers (k8s.io/api `generated.proto`), JSON names, Go pointer-ness and list
 * merge keys. One table serves two readers: the protobuf decoder (typed kubectl generators such
 * as `kubectl create deployment` send `application/vnd.kubernetes.protobuf` bodies) and the
 * OpenAPI documents (`kubectl explain` reads object schemas from `/openapi/v3`).
 *
 * It covers the spec side of the common kinds, not every field of every version; fields missing
 * here are skipped by the decoder and absent from the schemas.
 *
 * Field notation, `N name type`:
 * - type `s` string, `i32`, `i64`, `b` bool, `f64`, `bytes` (base64 in JSON), `qty` (Quantity),
 *   `ios` (IntOrString), `time` (RFC 3339 Time), `raw` (RawExtension, embedded JSON), a message
 *   name, `[]T` a repeated field, `{}` map of strings, `{bytes}`, `{qty}` maps of those;
 * - `name*`: a Go pointer field, kept when it holds a zero value (`replicas: 0`, `emptyDir: {}`);
 *   other zero values are dropped, as Go's `omitempty` does;
 * - `name!`: emitted even when zero (no `omitempty` in the Go struct tag);
 * - `...name`: an embedded (inlined) struct whose fields appear in the parent's JSON object;
 * - `@key` after the type: the strategic-merge-patch merge key of a list.
 *
 * Messages are grouped by package (`apps/v1`, ...); a field's message type resolves in its own
 * package first, then in any package (so core/v1 types serve apps/v1 templates).
 */

export type Scalar = 's' | 'i32' | 'i64' | 'b' | 'f64' | 'bytes' | 'qty' | 'ios' | 'time' | 'raw';

export interface FieldDef {
  readonly number: number;
  readonly name: string;
  /** A scalar kind or a message name (the element type for lists and the value type for maps). */
  readonly type: Scalar | string;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly pointer: boolean;
  readonly always: boolean;
  readonly inline: boolean;
  readonly mergeKey?: string;
}

export interface MessageDef {
  /** Package: `meta/v1`, `core/v1`, `apps/v1`, ... */
  readonly pkg: string;
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly byNumber: ReadonlyMap<number, FieldDef>;
}

const SCALARS = new Set<string>(['s', 'i32', 'i64', 'b', 'f64', 'bytes', 'qty', 'ios', 'time', 'raw']);
export const isScalar = (t: string): t is Scalar => SCALARS.has(t);

const OBJECT_META = '1 metadata ObjectMeta';

const PACKAGES: Record<string, Record<string, string>> = {
  'meta/v1': {
    ObjectMeta:
      '1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64; 8 creationTimestamp time; 9 deletionTimestamp* time; 10 deletionGracePeriodSeconds* i64; 11 labels {}; 12 annotations {}; 13 ownerReferences []OwnerReference@uid; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
    OwnerReference: '5 apiVersion! s; 1 kind! s; 3 name! s; 4 uid! s; 6 controller* b; 7 blockOwnerDeletion* b',
    ManagedFieldsEntry: '1 manager s; 2 operation s; 3 apiVersion s; 4 time* time; 6 fieldsType s; 7 fieldsV1* raw; 8 subresource s',
    LabelSelector: '1 matchLabels {}; 2 matchExpressions []LabelSelectorRequirement',
    LabelSelectorRequirement: '1 key! s; 2 operator! s; 3 values []s',
    DeleteOptions: '1 gracePeriodSeconds* i64; 2 preconditions* Preconditions; 3 orphanDependents* b; 4 propagationPolicy* s; 5 dryRun []s',
    Preconditions: '1 uid* s; 2 resourceVersion* s',
  },
  'core/v1': {
    Namespace: `${OBJECT_META}; 2 spec NamespaceSpec`,
    NamespaceSpec: '1 finalizers []s',
    ConfigMap: `${OBJECT_META}; 4 immutable* b; 2 data {}; 3 binaryData {bytes}`,
    Secret: `${OBJECT_META}; 5 immutable* b; 2 data {bytes}; 4 stringData {}; 3 type s`,
    ServiceAccount: `${OBJECT_META}; 2 secrets []ObjectReference@name; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken* b`,
    ObjectReference: '1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s',
    LocalObjectReference: '1 name s',
    TypedLocalObjectReference: '1 apiGroup* s; 2 kind! s; 3 name! s',
    Pod: `${OBJECT_META}; 2 spec PodSpec`,
    PodTemplateSpec: `${OBJECT_META}; 2 spec PodSpec`,
    PodSpec:
      '1 volumes []Volume@name; 20 initContainers []Container@name; 2 containers! []Container@name; 3 restartPolicy s; 4 terminationGracePeriodSeconds* i64; 5 activeDeadlineSeconds* i64; 6 dnsPolicy s; 7 nodeSelector {}; 8 serviceAccountName s; 9 serviceAccount s; 21 automountServiceAccountToken* b; 10 nodeName s; 11 hostNetwork b; 12 hostPID b; 13 hostIPC b; 27 shareProcessNamespace* b; 14 securityContext* PodSecurityContext; 15 imagePullSecrets []LocalObjectReference@name; 16 hostname s; 17 subdomain s; 18 affinity* Affinity; 19 schedulerName s; 22 tolerations []Toleration; 23 hostAliases []HostAlias@ip; 24 priorityClassName s; 25 priority* i32; 26 dnsConfig* PodDNSConfig; 28 readinessGates []PodReadinessGate; 29 runtimeClassName* s; 30 enableServiceLinks* b; 31 preemptionPolicy* s; 32 overhead {qty}; 33 topologySpreadConstraints []TopologySpreadConstraint@topologyKey; 35 setHostnameAsFQDN* b; 37 hostUsers* b',
    Container:
      '1 name! s; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort@containerPort; 19 envFrom []EnvFromSource; 7 env []EnvVar@name; 8 resources ResourceRequirements; 24 restartPolicy* s; 9 volumeMounts []VolumeMount@mountPath; 21 volumeDevices []VolumeDevice@devicePath; 10 livenessProbe* Probe; 11 readinessProbe* Probe; 22 startupProbe* Probe; 12 lifecycle* Lifecycle; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext* SecurityContext; 16 stdin b; 17 stdinOnce b; 18 tty b',
    ContainerPort: '1 name s; 2 hostPort i32; 3 containerPort! i32; 4 protocol s; 5 hostIP s',
    EnvVar: '1 name! s; 2 value s; 3 valueFrom* EnvVarSource',
    EnvVarSource: '1 fieldRef* ObjectFieldSelector; 2 resourceFieldRef* ResourceFieldSelector; 3 configMapKeyRef* ConfigMapKeySelector; 4 secretKeyRef* SecretKeySelector',
    ObjectFieldSelector: '1 apiVersion s; 2 fieldPath! s',
    ResourceFieldSelector: '1 containerName s; 2 resource! s; 3 divisor qty',
    ConfigMapKeySelector: '1 ...localObjectReference LocalObjectReference; 2 key! s; 3 optional* b',
    SecretKeySelector: '1 ...localObjectReference LocalObjectReference; 2 key! s; 3 optional* b',
    EnvFromSource: '1 prefix s; 2 configMapRef* ConfigMapEnvSource; 3 secretRef* SecretEnvSource',
    ConfigMapEnvSource: '1 ...localObjectReference LocalObjectReference; 2 optional* b',
    SecretEnvSource: '1 ...localObjectReference LocalObjectReference; 2 optional* b',
    ResourceRequirements: '1 limits {qty}; 2 requests {qty}',
    VolumeMount: '1 name! s; 2 readOnly b; 7 recursiveReadOnly* s; 3 mountPath! s; 4 subPath s; 5 mountPropagation* s; 6 subPathExpr s',
    VolumeDevice: '1 name! s; 2 devicePath! s',
    Volume: '1 name! s; 2 ...volumeSource VolumeSource',
    VolumeSource:
      '1 hostPath* HostPathVolumeSource; 2 emptyDir* EmptyDirVolumeSource; 6 secret* SecretVolumeSource; 10 persistentVolumeClaim* PersistentVolumeClaimVolumeSource; 16 downwardAPI* DownwardAPIVolumeSource; 19 configMap* ConfigMapVolumeSource; 26 projected* ProjectedVolumeSource',
    HostPathVolumeSource: '1 path! s; 2 type* s',
    EmptyDirVolumeSource: '1 medium s; 2 sizeLimit* qty',
    SecretVolumeSource: '1 secretName s; 2 items []KeyToPath; 3 defaultMode* i32; 4 optional* b',
    ConfigMapVolumeSource: '1 ...localObjectReference LocalObjectReference; 2 items []KeyToPath; 3 defaultMode* i32; 4 optional* b',
    PersistentVolumeClaimVolumeSource: '1 claimName! s; 2 readOnly b',
    DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode* i32',
    DownwardAPIVolumeFile: '1 path! s; 2 fieldRef* ObjectFieldSelector; 3 resourceFieldRef* ResourceFieldSelector; 4 mode* i32',
    ProjectedVolumeSource: '1 sources []VolumeProjection; 2 defaultMode* i32',
    VolumeProjection: '1 secret* SecretProjection; 3 configMap* ConfigMapProjection; 4 serviceAccountToken* ServiceAccountTokenProjection',
    SecretProjection: '1 ...localObjectReference LocalObjectReference; 2 items []KeyToPath; 4 optional* b',
    ConfigMapProjection: '1 ...localObjectReference LocalObjectReference; 2 items []KeyToPath; 4 optional* b',
    ServiceAccountTokenProjection: '1 audience s; 2 expirationSeconds* i64; 3 path! s',
    KeyToPath: '1 key! s; 2 path! s; 3 mode* i32',
    Probe: '1 ...handler ProbeHandler; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; 5 successThreshold i32; 6 failureThreshold i32; 7 terminationGracePeriodSeconds* i64',
    ProbeHandler: '1 exec* ExecAction; 2 httpGet* HTTPGetAction; 3 tcpSocket* TCPSocketAction; 4 grpc* GRPCAction',
    LifecycleHandler: '1 exec* ExecAction; 2 httpGet* HTTPGetAction; 3 tcpSocket* TCPSocketAction; 4 sleep* SleepAction',
    Lifecycle: '1 postStart* LifecycleHandler; 2 preStop* LifecycleHandler',
    ExecAction: '1 command []s',
    HTTPGetAction: '1 path s; 2 port! ios; 3 host s; 4 scheme s; 5 httpHeaders []HTTPHeader',
    HTTPHeader: '1 name! s; 2 value! s',
    TCPSocketAction: '1 port! ios; 2 host s',
    GRPCAction: '1 port! i32; 2 service* s',
    SleepAction: '1 seconds! i64',
    SecurityContext:
      '1 capabilities* Capabilities; 2 privileged* b; 4 runAsUser* i64; 8 runAsGroup* i64; 5 runAsNonRoot* b; 6 readOnlyRootFilesystem* b; 7 allowPrivilegeEscalation* b; 9 procMount* s; 11 seccompProfile* SeccompProfile',
    Capabilities: '1 add []s; 2 drop []s',
    PodSecurityContext: '2 runAsUser* i64; 6 runAsGroup* i64; 3 runAsNonRoot* b; 4 supplementalGroups []i64; 5 fsGroup* i64; 7 sysctls []Sysctl; 9 fsGroupChangePolicy* s; 10 seccompProfile* SeccompProfile',
    SeccompProfile: '1 type! s; 2 localhostProfile* s',
    Sysctl: '1 name! s; 2 value! s',
    Toleration: '1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds* i64',
    HostAlias: '1 ip! s; 2 hostnames []s',
    PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
    PodDNSConfigOption: '1 name s; 2 value* s',
    PodReadinessGate: '1 conditionType! s',
    TopologySpreadConstraint: '1 maxSkew! i32; 2 topologyKey! s; 3 whenUnsatisfiable! s; 4 labelSelector* LabelSelector; 5 minDomains* i32; 6 nodeAffinityPolicy* s; 7 nodeTaintsPolicy* s; 8 matchLabelKeys []s',
    Affinity: '1 nodeAffinity* NodeAffinity; 2 podAffinity* PodAffinity; 3 podAntiAffinity* PodAffinity',
    NodeAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution* NodeSelector; 2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
    NodeSelector: '1 nodeSelectorTerms! []NodeSelectorTerm',
    NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
    NodeSelectorRequirement: '1 key! s; 2 operator! s; 3 values []s',
    PreferredSchedulingTerm: '1 weight! i32; 2 preference! NodeSelectorTerm',
    PodAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
    PodAffinityTerm: '1 labelSelector* LabelSelector; 2 namespaces []s; 3 topologyKey! s; 4 namespaceSelector* LabelSelector; 5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
    WeightedPodAffinityTerm: '1 weight! i32; 2 podAffinityTerm! PodAffinityTerm',
    ReplicationController: `${OBJECT_META}; 2 spec ReplicationControllerSpec`,
  ReplicationControllerSpec: '1 replicas* i32; 4 minReadySeconds i32; 2 selector {}; 3 template* PodTemplateSpec',
  Service: `${OBJECT_META}; 2 spec ServiceSpec`,
    ServiceSpec:
      '1 ports []ServicePort@port; 2 selector {}; 3 clusterIP s; 18 clusterIPs []s; 4 type s; 5 externalIPs []s; 7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges []s; 10 externalName s; 11 externalTrafficPolicy s; 12 healthCheckNodePort i32; 13 publishNotReadyAddresses b; 14 sessionAffinityConfig* SessionAffinityConfig; 19 ipFamilies []s; 17 ipFamilyPolicy* s; 20 allocateLoadBalancerNodePorts* b; 21 loadBalancerClass* s; 22 internalTrafficPolicy* s; 23 trafficDistribution* s',
    ServicePort: '1 name s; 2 protocol s; 6 appProtocol* s; 3 port! i32; 4 targetPort ios; 5 nodePort i32',
    SessionAffinityConfig: '1 clientIP* ClientIPConfig',
    ClientIPConfig: '1 timeoutSeconds* i32',
    ResourceQuota: `${OBJECT_META}; 2 spec ResourceQuotaSpec`,
    ResourceQuotaSpec: '1 hard {qty}; 2 scopes []s',
    LimitRange: `${OBJECT_META}; 2 spec LimitRangeSpec`,
    LimitRangeSpec: '1 limits! []LimitRangeItem',
    LimitRangeItem: '1 type! s; 2 max {qty}; 3 min {qty}; 4 default {qty}; 5 defaultRequest {qty}; 6 maxLimitRequestRatio {qty}',
    PersistentVolumeClaim: `${OBJECT_META}; 2 spec PersistentVolumeClaimSpec`,
    PersistentVolumeClaimSpec: '1 accessModes []s; 4 selector* LabelSelector; 2 resources VolumeResourceRequirements; 3 volumeName s; 5 storageClassName* s; 6 volumeMode* s',
    VolumeResourceRequirements: '1 limits {qty}; 2 requests {qty}',
  },
  'apps/v1': {
    Deployment: `${OBJECT_META}; 2 spec DeploymentSpec`,
    DeploymentSpec: '1 replicas* i32; 2 selector* LabelSelector; 3 template! PodTemplateSpec; 4 strategy DeploymentStrategy; 5 minReadySeconds i32; 6 revisionHistoryLimit* i32; 7 paused b; 9 progressDeadlineSeconds* i32',
    DeploymentStrategy: '1 type s; 2 rollingUpdate* RollingUpdateDeployment',
    RollingUpdateDeployment: '1 maxUnavailable* ios; 2 maxSurge* ios',
    ReplicaSet: `${OBJECT_META}; 2 spec ReplicaSetSpec`,
    ReplicaSetSpec: '1 replicas* i32; 4 minReadySeconds i32; 2 selector* LabelSelector; 3 template PodTemplateSpec',
    StatefulSet: `${OBJECT_META}; 2 spec StatefulSetSpec`,
    StatefulSetSpec:
      '1 replicas* i32; 2 selector* LabelSelector; 3 template! PodTemplateSpec; 4 volumeClaimTemplates []PersistentVolumeClaim; 5 serviceName s; 6 podManagementPolicy s; 7 updateStrategy StatefulSetUpdateStrategy; 8 revisionHistoryLimit* i32; 9 minReadySeconds i32',
    StatefulSetUpdateStrategy: '1 type s; 2 rollingUpdate* RollingUpdateStatefulSetStrategy',
    RollingUpdateStatefulSetStrategy: '1 partition* i32; 2 maxUnavailable* ios',
    DaemonSet: `${OBJECT_META}; 2 spec DaemonSetSpec`,
    DaemonSetSpec: '1 selector* LabelSelector; 2 template! PodTemplateSpec; 3 updateStrategy DaemonSetUpdateStrategy; 4 minReadySeconds i32; 6 revisionHistoryLimit* i32',
    DaemonSetUpdateStrategy: '1 type s; 2 rollingUpdate* RollingUpdateDaemonSet',
    RollingUpdateDaemonSet: '1 maxUnavailable* ios; 2 maxSurge* ios',
  },
  'batch/v1': {
    Job: `${OBJECT_META}; 2 spec JobSpec`,
    JobSpec:
      '1 parallelism* i32; 2 completions* i32; 3 activeDeadlineSeconds* i64; 7 backoffLimit* i32; 12 backoffLimitPerIndex* i32; 13 maxFailedIndexes* i32; 4 selector* LabelSelector; 5 manualSelector* b; 6 template! PodTemplateSpec; 8 ttlSecondsAfterFinished* i32; 9 completionMode* s; 10 suspend* b; 14 podReplacementPolicy* s; 15 managedBy* s',
    CronJob: `${OBJECT_META}; 2 spec CronJobSpec`,
    CronJobSpec: '1 schedule! s; 8 timeZone* s; 2 startingDeadlineSeconds* i64; 3 concurrencyPolicy s; 4 suspend* b; 5 jobTemplate! JobTemplateSpec; 6 successfulJobsHistoryLimit* i32; 7 failedJobsHistoryLimit* i32',
    JobTemplateSpec: `${OBJECT_META}; 2 spec JobSpec`,
  },
  'autoscaling/v1': {
    HorizontalPodAutoscaler: `${OBJECT_META}; 2 spec HorizontalPodAutoscalerSpec`,
    HorizontalPodAutoscalerSpec: '1 scaleTargetRef! CrossVersionObjectReference; 2 minReplicas* i32; 3 maxReplicas! i32; 4 targetCPUUtilizationPercentage* i32',
    CrossVersionObjectReference: '1 kind! s; 2 name! s; 3 apiVersion s',
    Scale: `${OBJECT_META}; 2 spec ScaleSpec`,
    ScaleSpec: '1 replicas i32',
  },
  'autoscaling/v2': {
    HorizontalPodAutoscaler: `${OBJECT_META}; 2 spec HorizontalPodAutoscalerSpec`,
    HorizontalPodAutoscalerSpec: '1 scaleTargetRef! CrossVersionObjectReference; 2 minReplicas* i32; 3 maxReplicas! i32; 4 metrics []MetricSpec',
    CrossVersionObjectReference: '1 kind! s; 2 name! s; 3 apiVersion s',
    MetricSpec: '1 type! s; 4 resource* ResourceMetricSource',
    ResourceMetricSource: '1 name! s; 2 target! MetricTarget',
    MetricTarget: '1 type! s; 2 value* qty; 3 averageValue* qty; 4 averageUtilization* i32',
  },
  'policy/v1': {
    PodDisruptionBudget: `${OBJECT_META}; 2 spec PodDisruptionBudgetSpec`,
    PodDisruptionBudgetSpec: '1 minAvailable* ios; 2 selector* LabelSelector; 3 maxUnavailable* ios; 4 unhealthyPodEvictionPolicy* s',
    Eviction: `${OBJECT_META}; 2 deleteOptions* DeleteOptions`,
  },
  'rbac/v1': {
    Role: `${OBJECT_META}; 2 rules! []PolicyRule`,
    ClusterRole: `${OBJECT_META}; 2 rules! []PolicyRule; 3 aggregationRule* AggregationRule`,
    AggregationRule: '1 clusterRoleSelectors []LabelSelector',
    PolicyRule: '1 verbs! []s; 2 apiGroups []s; 3 resources []s; 4 resourceNames []s; 5 nonResourceURLs []s',
    RoleBinding: `${OBJECT_META}; 2 subjects []Subject; 3 roleRef! RoleRef`,
    ClusterRoleBinding: `${OBJECT_META}; 2 subjects []Subject; 3 roleRef! RoleRef`,
    Subject: '1 kind! s; 2 apiGroup s; 3 name! s; 4 namespace s',
    RoleRef: '1 apiGroup! s; 2 kind! s; 3 name! s',
  },
  'networking/v1': {
    Ingress: `${OBJECT_META}; 2 spec IngressSpec`,
    IngressSpec: '4 ingressClassName* s; 1 defaultBackend* IngressBackend; 2 tls []IngressTLS; 3 rules []IngressRule',
    IngressBackend: '4 service* IngressServiceBackend; 3 resource* TypedLocalObjectReference',
    IngressServiceBackend: '1 name! s; 2 port ServiceBackendPort',
    ServiceBackendPort: '1 name s; 2 number i32',
    IngressTLS: '1 hosts []s; 2 secretName s',
    IngressRule: '1 host s; 2 ...ingressRuleValue IngressRuleValue',
    IngressRuleValue: '1 http* HTTPIngressRuleValue',
    HTTPIngressRuleValue: '1 paths! []HTTPIngressPath',
    HTTPIngressPath: '1 path s; 3 pathType* s; 2 backend! IngressBackend',
    NetworkPolicy: `${OBJECT_META}; 2 spec NetworkPolicySpec`,
    NetworkPolicySpec: '1 podSelector! LabelSelector; 2 ingress []NetworkPolicyIngressRule; 3 egress []NetworkPolicyEgressRule; 4 policyTypes []s',
    NetworkPolicyIngressRule: '1 ports []NetworkPolicyPort; 2 from []NetworkPolicyPeer',
    NetworkPolicyEgressRule: '1 ports []NetworkPolicyPort; 2 to []NetworkPolicyPeer',
    NetworkPolicyPort: '1 protocol* s; 2 port* ios; 3 endPort* i32',
    NetworkPolicyPeer: '1 podSelector* LabelSelector; 2 namespaceSelector* LabelSelector; 3 ipBlock* IPBlock',
    IPBlock: '1 cidr! s; 2 except []s',
    IngressClass: `${OBJECT_META}; 2 spec IngressClassSpec`,
    IngressClassSpec: '1 controller s',
  },
  'scheduling/v1': {
    PriorityClass: `${OBJECT_META}; 2 value! i32; 3 globalDefault b; 4 description s; 5 preemptionPolicy* s`,
  },
  'authentication/v1': {
    TokenRequest: `${OBJECT_META}; 2 spec! TokenRequestSpec`,
    TokenRequestSpec: '1 audiences! []s; 4 expirationSeconds* i64; 3 boundObjectRef* BoundObjectReference',
    BoundObjectReference: '1 kind s; 2 apiVersion s; 3 name s; 4 uid s',
    SelfSubjectReview: OBJECT_META,
  },
  'authorization/v1': {
    SelfSubjectAccessReview: `${OBJECT_META}; 2 spec! SelfSubjectAccessReviewSpec`,
    SelfSubjectAccessReviewSpec: '1 resourceAttributes* ResourceAttributes; 2 nonResourceAttributes* NonResourceAttributes',
    ResourceAttributes: '1 namespace s; 2 verb s; 3 group s; 4 version s; 5 resource s; 6 subresource s; 7 name s',
    NonResourceAttributes: '1 path s; 2 verb s',
    SelfSubjectRulesReview: `${OBJECT_META}; 2 spec! SelfSubjectRulesReviewSpec`,
    SelfSubjectRulesReviewSpec: '1 namespace s',
  },
};

function parseField(text: string): FieldDef {
  const [num, rawName, rawType] = text.trim().split(/\s+/);
  if (num === undefined || rawName === undefined || rawType === undefined) throw new Error(`bad field definition: ${text}`);
  const inline = rawName.startsWith('...');
  const pointer = rawName.endsWith('*');
  const always = rawName.endsWith('!');
  const name = rawName.replace(/^\.\.\./, '').replace(/[*!]$/, '');
  const [typePart = '', mergeKey] = rawType.split('@');
  let type = typePart;
  let repeated = false;
  let map = false;
  if (type.startsWith('[]')) {
    repeated = true;
    type = type.slice(2);
  } else if (type.startsWith('{')) {
    map = true;
    type = type === '{}' ? 's' : type.slice(1, -1);
  }
  return { number: Number(num), name, type, repeated, map, pointer, always, inline, ...(mergeKey === undefined ? {} : { mergeKey }) };
}

function parseMessage(pkg: string, name: string, text: string): MessageDef {
  const fields = text
    .split(';')
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map(parseField);
  return { pkg, name, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
}

const BY_PACKAGE = new Map<string, Map<string, MessageDef>>(
  Object.entries(PACKAGES).map(([pkg, messages]) => [pkg, new Map(Object.entries(messages).map(([name, text]) => [name, parseMessage(pkg, name, text)]))]),
);
/** Any package's message of a name (the first package listing it). */
const BY_NAME = new Map<string, MessageDef>();
for (const messages of BY_PACKAGE.values()) for (const [name, def] of messages) if (!BY_NAME.has(name)) BY_NAME.set(name, def);

/** The message a field refers to, resolved from the package of the message holding the field. */
export function messageDef(name: string, fromPkg?: string): MessageDef | undefined {
  return (fromPkg === undefined ? undefined : BY_PACKAGE.get(fromPkg)?.get(name)) ?? BY_NAME.get(name);
}

/** The package of a group-version: `apps/v1`, `core/v1` for the legacy group, `rbac/v1` for rbac.authorization.k8s.io/v1. */
export function packageOf(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `core/${version ?? ''}`;
  return `${group === 'meta.k8s.io' ? 'meta' : (group ?? '').split('.')[0] ?? ''}/${version ?? ''}`;
}

/** The message of a top-level kind in a group-version, if the table describes it. */
export function kindMessage(apiVersion: string, kind: string): MessageDef | undefined {
  return BY_PACKAGE.get(packageOf(apiVersion))?.get(kind) ?? (kind === 'DeleteOptions' ? BY_NAME.get(kind) : undefined);
}

/** Every package with its messages. */
export function packages(): ReadonlyMap<string, ReadonlyMap<string, MessageDef>> {
  return BY_PACKAGE;
}
