import type { FilterVerdict } from '../../../core/providers/ProviderConsole.js';
import type { KubernetesAccountConfig } from '../account/KubernetesAccountConfig.js';
import { UI_DEFAULT_KINDS, kindOfManifest, parseKindString, type KubernetesKindRegistry } from '../KubernetesKind.js';
import { cachingProperties } from '../moniker.js';
import { manifestNamespace, type KubernetesManifest } from '../model/KubernetesManifest.js';

/**
 * Every caching filter of an account applied to one object, in the order the account cache
 * applies them (which kinds are watched, which namespaces are listed, then `shouldCache` on each
 * object): `kinds` (or the kinds cached by default), `omitKinds`, `namespaces`, `omitNamespaces`,
 * the `caching.spinnaker.io/ignore` annotation and `onlySpinnakerManaged`. The object is cached
 * when no verdict `excludes` it. Mirrors `cachedKinds`, the watchers' namespace scopes and
 * `shouldCache`; the console's "why is this missing?" shows it.
 */
export function cachingFilterVerdicts(config: KubernetesAccountConfig, registry: KubernetesKindRegistry, m: KubernetesManifest): FilterVerdict[] {
  const kind = registry.get(kindOfManifest(m));
  const lc = kind.name.toLowerCase();
  const namespace = kind.namespaced ? manifestNamespace(m) : '';
  const out: FilterVerdict[] = [];

  if (config.kinds.length > 0) {
    const listed = config.kinds.map((k) => parseKindString(k).toLowerCase()).includes(lc);
    out.push({ filter: 'kinds', excludes: !listed, detail: listed ? `${kind.name} is in kinds` : `kinds is [${config.kinds.join(', ')}]: ${kind.name} is not watched` });
  } else {
    const defaults = [...UI_DEFAULT_KINDS, ...config.customResources.map((r) => parseKindString(r.kubernetesKind))].map((k) => k.toLowerCase());
    const listed = defaults.includes(lc);
    out.push({
      filter: 'kinds',
      excludes: !listed,
      detail: listed ? `${kind.name} is cached by default` : `kinds is empty, so only ${UI_DEFAULT_KINDS.join(', ')} and custom resources are watched: not ${kind.name}`,
    });
  }
  const omitted = config.omitKinds.map((k) => parseKindString(k).toLowerCase()).includes(lc);
  out.push({ filter: 'omitKinds', excludes: omitted, detail: omitted ? `omitKinds lists ${kind.name}` : `${kind.name} is not in omitKinds` });

  if (!kind.namespaced) {
    out.push({ filter: 'namespaces', excludes: false, detail: `${kind.name} is cluster-scoped: namespace filters do not apply` });
  } else {
    const inList = config.namespaces.length === 0 || config.namespaces.includes(namespace);
    out.push({ filter: 'namespaces', excludes: !inList, detail: config.namespaces.length === 0 ? 'every namespace is listed' : inList ? `namespaces lists ${namespace}` : `namespaces is [${config.namespaces.join(', ')}]: not ${namespace}` });
    const omitNs = config.omitNamespaces.includes(namespace);
    out.push({ filter: 'omitNamespaces', excludes: omitNs, detail: omitNs ? `omitNamespaces lists ${namespace}` : `${namespace} is not in omitNamespaces` });
  }

  const props = cachingProperties(m);
  out.push({ filter: 'ignoreAnnotation', excludes: props.ignore, detail: props.ignore ? 'annotated caching.spinnaker.io/ignore: "true"' : 'not annotated caching.spinnaker.io/ignore' });
  const unmanaged = config.onlySpinnakerManaged && props.application === '';
  out.push({
    filter: 'onlySpinnakerManaged',
    excludes: unmanaged,
    detail: !config.onlySpinnakerManaged ? 'onlySpinnakerManaged is off' : unmanaged ? 'onlySpinnakerManaged is on and the object has no moniker.spinnaker.io/application annotation' : `managed by application ${props.application}`,
  });
  return out;
}
