import { z } from 'zod';
import { namespaceProblem } from '../coordinates.js';

const permissions = z
  .object({ READ: z.array(z.string()).optional(), WRITE: z.array(z.string()).optional(), EXECUTE: z.array(z.string()).optional() })
  .strict();

const namespaceName = z.string().superRefine((ns, ctx) => {
  const problem = namespaceProblem(ns);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** A regular expression that compiles (an invalid one would break every raw-resources read). */
const regularExpression = z
  .string()
  .max(500)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
    }
  });

const customResource = z
  .object({
    kubernetesKind: z.string().min(1),
    spinnakerKind: z.string().default('unclassified'),
    deployPriority: z.union([z.string(), z.number()]).default('100'),
    versioned: z.boolean().default(false),
    namespaced: z.boolean().default(true),
  })
  .passthrough();

/**
 * One `kubernetes.accounts[]` entry with Clouddriver's field names
 * (`KubernetesAccountProperties`). Unknown Clouddriver fields that have no meaning here
 * (kubectl-only settings, oAuth) are accepted and ignored so existing configs load unchanged.
 */
export const kubernetesAccountSchema = z
  .object({
    name: z.string().min(1).regex(/^[^/:]+$/, 'may not contain "/" or ":"'),
    environment: z.string().optional(),
    accountType: z.string().optional(),
    context: z.string().optional(),
    kubeconfigFile: z.string().optional(),
    kubeconfigContents: z.string().optional(),
    namespaces: z.array(namespaceName).default([]),
    omitNamespaces: z.array(namespaceName).default([]),
    kinds: z.array(z.string().min(1)).default([]),
    omitKinds: z.array(z.string().min(1)).default([]),
    customResources: z.array(customResource).default([]),
    cachingPolicies: z.array(z.object({ kubernetesKind: z.string(), maxEntriesPerAgent: z.number().int().positive() })).default([]),
    cacheThreads: z.number().int().positive().default(1),
    cacheIntervalSeconds: z.number().int().positive().optional(),
    onlySpinnakerManaged: z.boolean().default(false),
    cacheAllApplicationRelationships: z.boolean().default(false),
    permissions: permissions.default({}),
    requiredGroupMembership: z.array(z.string()).default([]),
    namingStrategy: z.string().default('kubernetesAnnotations'),
    checkPermissionsOnStartup: z.boolean().default(true),
    metrics: z.boolean().default(true),
    /** Per-request timeout against the API server (Clouddriver: kubectlRequestTimeoutSeconds). */
    kubectlRequestTimeoutSeconds: z.number().int().positive().default(10),
    kubectlExecutable: z.string().optional(),
    serviceAccount: z.boolean().optional(),
    oAuthServiceAccount: z.string().optional(),
    oAuthScopes: z.array(z.string()).optional(),
    debug: z.boolean().optional(),
    rawResourcesEndpointConfig: z
      .object({ kindExpressions: z.array(regularExpression).default([]), omitKindExpressions: z.array(regularExpression).default([]) })
      .default({}),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.namespaces.length > 0 && a.omitNamespaces.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['omitNamespaces'], message: 'namespaces and omitNamespaces are mutually exclusive' });
    }
    if (a.kinds.length > 0 && a.omitKinds.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['omitKinds'], message: 'kinds and omitKinds are mutually exclusive' });
    }
    if (a.kubeconfigFile && a.kubeconfigContents) {
      ctx.addIssue({ code: 'custom', path: ['kubeconfigContents'], message: 'kubeconfigFile and kubeconfigContents are mutually exclusive' });
    }
  });

export type KubernetesAccountConfig = z.infer<typeof kubernetesAccountSchema>;
