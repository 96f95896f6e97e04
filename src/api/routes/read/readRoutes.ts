import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { registerApplicationRoutes } from './applicationRoutes.js';
import { registerClusterRoutes } from './clusterRoutes.js';
import { registerInfrastructureRoutes } from './infrastructureRoutes.js';
import { registerInstanceRoutes } from './instanceRoutes.js';
import { registerLoadBalancerRoutes } from './loadBalancerRoutes.js';
import { registerOnDemandRoutes } from './onDemandRoutes.js';
import { registerSearchRoutes } from './searchRoutes.js';
import { registerSecurityGroupRoutes } from './securityGroupRoutes.js';
import { registerServerGroupRoutes } from './serverGroupRoutes.js';

export interface ReadRouteDeps {
  readonly read: ReadLayer;
  readonly accountExists: (cloudProvider: string, name: string) => boolean;
}

/** The provider-neutral read API, answered by the read layer from every provider's contribution. */
export function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  registerApplicationRoutes(app, deps.read);
  registerClusterRoutes(app, deps.read);
  registerServerGroupRoutes(app, deps.read);
  registerLoadBalancerRoutes(app, deps.read, deps.accountExists);
  registerSecurityGroupRoutes(app, deps.read);
  registerInstanceRoutes(app, deps.read);
  registerSearchRoutes(app, deps.read);
  registerOnDemandRoutes(app, deps.read);
  registerInfrastructureRoutes(app, deps.read);
}
