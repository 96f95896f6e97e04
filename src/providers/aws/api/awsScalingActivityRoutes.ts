/**
 * `AmazonClusterController.getScalingActivities`:
 * `GET /applications/{app}/clusters/{account}/{cluster}/aws/serverGroups/{name}/scalingActivities?region=`
 * answers the Auto Scaling group's scaling activities straight from AWS (not the cache), newest
 * first as AWS lists them, at most 500, as SDK v1 `Activity` beans (`activityId`, `description`,
 * `cause`, `startTime`/`endTime` in epoch ms, `statusCode`, `details`, ...). Deck's scaling
 * activities modal (enabled for AWS by `scalingActivitiesEnabled`) groups them by `cause`.
 * An unknown account is a 400 `{message: "bad credentials"}`, as upstream; a missing region is a
 * 400; the caller needs READ on the account.
 */
import { DescribeScalingActivitiesCommand, type Activity } from '@aws-sdk/client-auto-scaling';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../../../core/errors.js';
import { assertReadable } from '../../../core/security/readFilters.js';
import { arrayOf, documented, errorSchema, type RouteDoc } from '../../../api/openapi/routeDoc.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { toBean } from '../javaBean.js';

/** `AmazonClusterController.MAX_SCALING_ACTIVITIES`. */
export const MAX_SCALING_ACTIVITIES = 500;

type Params = { app: string; account: string; cluster: string; name: string };

export function registerAwsScalingActivityRoutes(app: FastifyInstance, credentials: (account: string) => AwsCredentials | undefined): void {
  app.get<{ Params: Params; Querystring: { region?: unknown } }>(
    '/applications/:app/clusters/:account/:cluster/aws/serverGroups/:name/scalingActivities',
    documented(DOC.scalingActivities),
    async (req, reply) => {
      const { account, name } = req.params;
      const region = req.query.region;
      if (typeof region !== 'string' || region === '') throw new InputError('region is required, once');
      assertReadable(await req.permissions(), { account });
      const creds = credentials(account);
      if (creds === undefined) return reply.code(400).send({ message: 'bad credentials' });
      const client = creds.clients.autoScaling(region);
      const activities: Activity[] = [];
      let nextToken: string | undefined;
      while (activities.length < MAX_SCALING_ACTIVITIES) {
        const page = await client.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: name, NextToken: nextToken }));
        activities.push(...(page.Activities ?? []));
        nextToken = page.NextToken;
        if (nextToken === undefined || nextToken === '') break;
      }
      // Upstream adds whole pages, so it may pass 500 by part of the last page; so does this.
      return activities.map((a) => toBean(a));
    },
  );
}

const DOC = {
  scalingActivities: {
    summary: "An Auto Scaling group's scaling activities",
    description:
      '`AmazonClusterController.getScalingActivities`: the group\'s scaling activities from AWS (`DescribeScalingActivities`, up to 500), as `[{activityId, autoScalingGroupName, description, cause, startTime, endTime, statusCode, statusMessage, progress, details}]`. Unknown account: 400 `{message: "bad credentials"}`.',
    tags: ['aws'],
    params: { app: 'The application', account: 'The AWS account', cluster: 'The cluster', name: 'The server group (Auto Scaling group)' },
    query: { region: 'The region (required)' },
    responses: { 200: arrayOf('Scaling activities'), 400: errorSchema('No region, or an unknown account'), 403: errorSchema('No READ on the account') },
  },
} satisfies Record<string, RouteDoc>;
