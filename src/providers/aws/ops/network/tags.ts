/**
 * The tag operations of clouddriver-aws: `upsertServerGroupTags` (`UpsertAsgTagsAtomicOperation`,
 * `UPSERT_ASG_TAGS`: tags propagated at launch), `deleteAsgTagsDescription`
 * (`DeleteAsgTagsAtomicOperation`, `DELETE_ASG_TAGS`; upstream has no `@AmazonOperation` for it,
 * so the converter's bean name is the wire name) and `upsertImageTags`
 * (`UpsertAmiTagsAtomicOperation`, `UPSERT_AMI_TAGS`: every image of `amiName` in each region).
 * Server group targets come as `asgs[]` or the legacy `serverGroupName`/`asgName` with `region` or
 * `regions` (`LegacyToAsgsDescriptionPreProcessor`). Entity tags (Front50-backed) are not here.
 */
import { CreateOrUpdateTagsCommand, DeleteTagsCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTagsCommand, DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { AwsValidator, applicationOf, awsErrorMessage, boundedRecord, credentialsOf, nameField, refreshAfter, withAccount } from './support.js';

const asgSchema = z.object({ serverGroupName: nameField.nullish(), asgName: nameField.nullish(), region: nameField.nullish() }).passthrough();
const targetShape = {
  asgs: z.array(asgSchema).max(100).nullish(),
  serverGroupName: nameField.nullish(),
  asgName: nameField.nullish(),
  region: nameField.nullish(),
  regions: z.array(nameField).max(100).nullish(),
};

interface Asg {
  readonly serverGroupName: string;
  readonly region: string;
}

/** `LegacyToAsgsDescriptionPreProcessor`: `asgs`, else the one name in `region` or in each of `regions`. */
function asgsOf(d: { asgs?: z.infer<typeof asgSchema>[] | null; serverGroupName?: string | null; asgName?: string | null; region?: string | null; regions?: string[] | null }): Asg[] {
  if (d.asgs != null && d.asgs.length > 0) return d.asgs.map((a) => ({ serverGroupName: a.serverGroupName ?? a.asgName ?? '', region: a.region ?? '' }));
  const name = d.serverGroupName ?? d.asgName ?? '';
  if (d.region != null && d.region !== '') return [{ serverGroupName: name, region: d.region }];
  return (d.regions ?? []).map((region) => ({ serverGroupName: name, region }));
}

/** `validateAsgs` with the description class as the error context. */
function validateAsgs(v: AwsValidator, account: string, asgs: readonly Asg[]): void {
  if (asgs.length === 0) v.reject('empty', 'asgs is required (or serverGroupName with region)');
  for (const a of asgs) {
    if (a.serverGroupName === '') v.reject('serverGroupName.empty', 'every server group needs a serverGroupName');
    if (a.region === '') v.reject('region.empty', `${a.serverGroupName} needs a region`);
    else v.regions(account, [a.region]);
  }
}

const descriptor = (asgs: readonly Asg[]): string => `[${asgs.map((a) => `${a.region}:${a.serverGroupName}`).join(', ')}]`;

async function asgExists(creds: ReturnType<typeof credentialsOf>, a: Asg, signal: AbortSignal): Promise<boolean> {
  const out = await creds.clients.autoScaling(a.region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [a.serverGroupName] }), { abortSignal: signal });
  return (out.AutoScalingGroups ?? []).length > 0;
}

const upsertServerGroupTagsSchema = withAccount({ ...targetShape, tags: boundedRecord(z.union([z.string(), z.number(), z.boolean()]).nullable(), 50).nullish() });

export function upsertServerGroupTags(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertServerGroupTags',
    displayName: 'UpsertAsgTagsAtomicOperation',
    schema: upsertServerGroupTagsSchema,
    account: (d) => d.account,
    applications: (d) => [...new Set(asgsOf(d).flatMap((a) => applicationOf(a.serverGroupName)))],
    validate(d) {
      const v = new AwsValidator('UpsertAsgTagsDescription', deps);
      validateAsgs(v, d.account, asgsOf(d));
      const t = new AwsValidator('upsertAsgTagsDescription', deps);
      const tags = Object.entries(d.tags ?? {});
      if (tags.length === 0) t.reject('tags.empty', 'tags is required');
      if (tags.some(([k, value]) => k === '' || value == null || value === '')) t.reject('tag.invalid', 'every tag needs a key and a value');
      return [...v.problems, ...t.problems];
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus('UPSERT_ASG_TAGS', s);
      const creds = credentialsOf(deps, d.account);
      const asgs = asgsOf(d);
      const failures: string[] = [];
      await status(`Initializing Upsert ASG Tags operation for ${descriptor(asgs)}...`);
      for (const a of asgs) {
        try {
          if (!(await asgExists(creds, a, ctx.signal))) {
            const message = `No ASG named ${a.serverGroupName} found in ${a.region}`;
            await status(message);
            failures.push(message);
            continue;
          }
          await status(`Preparing tags for ${a.serverGroupName} in ${a.region}...`);
          const tags = Object.entries(d.tags ?? {}).map(([Key, value]) => ({ Key, Value: String(value), ResourceId: a.serverGroupName, ResourceType: 'auto-scaling-group', PropagateAtLaunch: true }));
          await status(`Creating tags for ${a.serverGroupName} in ${a.region}...`);
          await creds.clients.autoScaling(a.region).send(new CreateOrUpdateTagsCommand({ Tags: tags }), { abortSignal: ctx.signal });
          await status(`Tags created for ${a.serverGroupName} in ${a.region}`);
          await refreshAfter(deps, ctx, d.account, a.region, ['serverGroups']);
        } catch (err) {
          const message = `Could not upsert ASG tags for ASG '${a.serverGroupName}' in region ${a.region}! Reason: ${awsErrorMessage(err)}`;
          await status(message);
          failures.push(message);
        }
      }
      // Upstream fails the task (`task.fail()`) without an exception; here the failure carries the reasons.
      if (failures.length > 0) throw new Error(failures.join('; '));
      await status(`Finished Upsert ASG Tags operation for ${descriptor(asgs)}.`);
      return undefined;
    },
  });
}

const deleteAsgTagsSchema = withAccount({ ...targetShape, tagKeys: z.array(z.string().max(1024)).max(100).nullish() });

export function deleteAsgTags(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteAsgTagsDescription',
    displayName: 'DeleteAsgTagsAtomicOperation',
    schema: deleteAsgTagsSchema,
    account: (d) => d.account,
    applications: (d) => [...new Set(asgsOf(d).flatMap((a) => applicationOf(a.serverGroupName)))],
    validate(d) {
      const v = new AwsValidator('DeleteAsgTagsDescription', deps);
      validateAsgs(v, d.account, asgsOf(d));
      const t = new AwsValidator('deleteAsgTagsDescription', deps);
      if ((d.tagKeys ?? []).some((k) => k === '')) t.reject('tagKey.invalid', 'tag keys must not be empty');
      return [...v.problems, ...t.problems];
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus('DELETE_ASG_TAGS', s);
      const creds = credentialsOf(deps, d.account);
      const asgs = asgsOf(d);
      await status(`Initializing Delete ASG Tags operation for ${descriptor(asgs)}...`);
      for (const a of asgs) {
        if (!(await asgExists(creds, a, ctx.signal))) {
          await status(`No ASG named ${a.serverGroupName} found in ${a.region}`);
          continue;
        }
        const keys = d.tagKeys ?? [];
        if (keys.length > 0) {
          await creds.clients.autoScaling(a.region).send(new DeleteTagsCommand({ Tags: keys.map((Key) => ({ Key, ResourceId: a.serverGroupName, ResourceType: 'auto-scaling-group' })) }), { abortSignal: ctx.signal });
        }
        await status(`Tags deleted for ${a.serverGroupName} in ${a.region}`);
        await refreshAfter(deps, ctx, d.account, a.region, ['serverGroups']);
      }
      await status(`Finished Delete ASG Tags operation for ${descriptor(asgs)}.`);
      return undefined;
    },
  });
}

const upsertImageTagsSchema = withAccount({ amiName: nameField.nullish(), regions: z.array(nameField).max(100).nullish(), tags: boundedRecord(z.union([z.string(), z.number(), z.boolean()]), 50).nullish() });

export function upsertImageTags(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertImageTags',
    displayName: 'UpsertAmiTagsAtomicOperation',
    schema: upsertImageTagsSchema,
    account: (d) => d.account,
    validate(d) {
      const v = new AwsValidator('upsertAmiTagsDescription', deps);
      if (d.amiName == null || d.amiName === '') v.reject('amiName.empty', 'amiName is required');
      v.regions(d.account, d.regions ?? []);
      return v.problems;
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus('UPSERT_AMI_TAGS', s);
      const creds = credentialsOf(deps, d.account);
      const what = `${d.account}/${d.amiName ?? ''}`;
      const tags = Object.entries(d.tags ?? {}).map(([Key, value]) => ({ Key, Value: String(value) }));
      const failures: string[] = [];
      await status(`Initializing Upsert AMI Tags operation for ${what}...`);
      for (const region of d.regions ?? []) {
        const ec2 = creds.clients.ec2(region);
        const images = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: [d.amiName ?? ''] }] }), { abortSignal: ctx.signal })).Images ?? [];
        if (images.length === 0) {
          const message = `No AMI found for ${what} in ${region}.`;
          await status(message);
          failures.push(message);
          continue;
        }
        for (const image of images) {
          const id = image.ImageId ?? '';
          if (tags.length === 0) {
            await status(`Skipping empty tags update for ${id} in ${region}`);
          } else {
            try {
              await status(`Updating tags for ${id} in ${region}...`);
              await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: tags }), { abortSignal: ctx.signal });
              await status(`Tags updated for ${id} in ${region}...`);
            } catch (err) {
              const message = `Could not upsert AMI tags for ${id} in ${region}! Reason: ${awsErrorMessage(err)}`;
              await status(message);
              failures.push(message);
              continue;
            }
          }
          await status(`Finished Upsert AMI Tags operation for ${what} (${id}) in ${region}.`);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('; '));
      return undefined;
    },
  });
}
