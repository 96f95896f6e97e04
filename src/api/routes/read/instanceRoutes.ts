import { found } from '../../../core/errors.js';
import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { anyObject, documented, errorSchema, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

/** `InstanceController`: one instance by account, region and id. */
export function registerInstanceRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Params: { account: string; region: string; id: string } }>('/instances/:account/:region/:id', documented(DOC), async (req) =>
    found(await read.instance(req.params.account, req.params.region, req.params.id), `Instance ${req.params.id} in ${req.params.account}/${req.params.region}`),
  );
}

/** What the OpenAPI description says about the route. */
const DOC: RouteDoc = {
  summary: 'One instance',
  description: "`InstanceController.getInstance`: the instance (Kubernetes: a pod, \"pod name\") from the first provider that has it, with its health; 404 when none has it.",
  tags: ['instances'],
  params: { account: PARAM.account, region: PARAM.region, id: 'The instance id (Kubernetes: "pod name")' },
  responses: { 200: anyObject('The instance', { name: { type: 'string' }, health: { type: 'array', items: { type: 'object', additionalProperties: true } } }), 404: errorSchema('No such instance') },
};
