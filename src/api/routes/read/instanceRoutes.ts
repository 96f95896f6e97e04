import { found } from '../../../core/errors.js';
import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

/** `InstanceController`: one instance by account, region and id. */
export function registerInstanceRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Params: { account: string; region: string; id: string } }>('/instances/:account/:region/:id', async (req) =>
    found(await read.instance(req.params.account, req.params.region, req.params.id), `Instance ${req.params.id} in ${req.params.account}/${req.params.region}`),
  );
}
