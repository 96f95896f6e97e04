import swagger from '@fastify/swagger';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { documented } from './routeDoc.js';

/** A route as the server registered it (what the OpenAPI description is checked against). */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered since the OpenAPI description was installed, in order. */
    registeredRoutes(): readonly RegisteredRoute[];
  }
}

/** The tags of the description: one per Clouddriver controller family (or part of this service). */
export const OPENAPI_TAGS: readonly { name: string; description: string }[] = [
  { name: 'applications', description: 'ApplicationsController: applications merged across providers' },
  { name: 'clusters', description: 'ClusterController: clusters, their server groups and target server groups' },
  { name: 'serverGroups', description: 'ServerGroupController and ServerGroupManagerController' },
  { name: 'loadBalancers', description: 'LoadBalancerController' },
  { name: 'securityGroups', description: 'SecurityGroupController' },
  { name: 'instances', description: 'InstanceController' },
  { name: 'search', description: 'SearchController' },
  { name: 'infrastructure', description: 'Subnets, networks, key pairs, instance types, elastic IPs, certificates' },
  { name: 'cache', description: 'CacheController (on-demand refresh) and the caching agents' },
  { name: 'operations', description: 'OperationsController: submitting atomic operations' },
  { name: 'tasks', description: 'TaskController: the tasks operations run as' },
  { name: 'credentials', description: 'CredentialsController and the account storage API' },
  { name: 'artifacts', description: 'ArtifactController: artifact accounts and downloads' },
  { name: 'kubernetes', description: "The Kubernetes provider's own routes: manifests, raw resources, jobs, pods" },
  { name: 'dockerRegistry', description: 'DockerRegistryImageLookupController' },
  { name: 'aws', description: "The AWS provider's own routes: AmazonNamedImageLookupController" },
  { name: 'console', description: 'The operator console and the JSON it reads' },
  { name: 'service', description: 'Health, metrics, features and this description' },
];

/**
 * Registers `@fastify/swagger` (the OpenAPI 3 description generated from the route schemas) and
 * serves it at `GET /openapi.json`. Must run before any route is registered: the plugin, like the
 * route list kept here for the description's own test, sees routes through an `onRoute` hook.
 */
export async function installOpenApi(app: FastifyInstance, info: { title: string; version: string; description: string }): Promise<void> {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.decorate('registeredRoutes', () => routes);
  await app.register(swagger, {
    openapi: { openapi: '3.0.3', info, tags: [...OPENAPI_TAGS] },
  });
  app.get(
    '/openapi.json',
    documented({
      summary: 'This OpenAPI description',
      description: 'The OpenAPI 3 description of every route of this service, generated from the route schemas (`@fastify/swagger`).',
      tags: ['service'],
      responses: { 200: { description: 'An OpenAPI 3.0 document', type: 'object', properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } }, additionalProperties: true } },
    }),
    async () => app.swagger(),
  );
}
