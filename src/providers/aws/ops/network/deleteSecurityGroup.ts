/**
 * `deleteSecurityGroup` (`DeleteSecurityGroupAtomicOperation`, `DELETE_SECURITY_GROUP`): deletes
 * the group of `securityGroupName` in `vpcId` (default: the region's default VPC) in each of
 * `regions`. A group that does not exist is reported and skipped; a group other groups' rules
 * still name fails with those groups listed. No result object.
 */
import { DeleteSecurityGroupCommand, paginateDescribeSecurityGroups, type SecurityGroup } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { SecurityGroupLookup } from './securityGroupLookup.js';
import { AwsValidator, applicationOf, awsErrorCode, awsErrorMessage, credentialsOf, nameField, refreshAfter, withAccount } from './support.js';

const PHASE = 'DELETE_SECURITY_GROUP';

export const deleteSecurityGroupSchema = withAccount({
  securityGroupName: nameField.nullish(),
  vpcId: nameField.nullish(),
  regions: z.array(nameField).max(100).nullish(),
});

export function deleteSecurityGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteSecurityGroup',
    displayName: 'DeleteSecurityGroupAtomicOperation',
    schema: deleteSecurityGroupSchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(d.securityGroupName),
    validate(d) {
      const v = new AwsValidator('deleteSecurityGroupDescription', deps);
      v.regions(d.account, d.regions ?? []);
      if (d.securityGroupName == null || d.securityGroupName === '') v.reject('securityGroupName.empty', 'securityGroupName is required');
      return v.problems;
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus(PHASE, s);
      const creds = credentialsOf(deps, d.account);
      const name = d.securityGroupName ?? '';
      await status('Initializing Delete Security Group Operation...');
      for (const region of d.regions ?? []) {
        const ec2 = creds.clients.ec2(region);
        const vpcId = await new SecurityGroupLookup(deps, region, ctx.signal).vpcFor(d.account, d.vpcId);
        const groups: SecurityGroup[] = [];
        for await (const page of paginateDescribeSecurityGroups({ client: ec2 }, {})) groups.push(...(page.SecurityGroups ?? []));
        const group = groups.find((g) => g.GroupName === name && (vpcId === undefined || g.VpcId === vpcId));
        const text = `${name} in ${region} ${d.vpcId == null || d.vpcId === '' ? '' : `${d.vpcId} `}for ${d.account}`;
        if (group === undefined) {
          await status(`There is no ${text}.`);
          continue;
        }
        await status(`Deleting ${text}.`);
        try {
          await ec2.send(new DeleteSecurityGroupCommand({ GroupId: group.GroupId }), { abortSignal: ctx.signal });
        } catch (err) {
          const code = awsErrorCode(err);
          if (code === 'DependencyViolation') {
            const dependents = groups.filter((g) => g.GroupId !== group.GroupId && (g.IpPermissions ?? []).some((p) => (p.UserIdGroupPairs ?? []).some((pair) => pair.GroupId === group.GroupId))).map((g) => g.GroupName ?? g.GroupId ?? '');
            let message = 'Failed deleting security group because of existing dependencies. ';
            message += dependents.length > 0 ? `Ingress rules still exist on security group(s): ${dependents.join(', ')}.` : 'Unknown dependencies; instances and/or load balancers may still have the security group associated.';
            await status(message);
            const failure = new Error(message, { cause: err });
            failure.name = 'DependencyViolation';
            throw failure;
          }
          if (code !== 'InvalidGroup.NotFound') {
            await status(awsErrorMessage(err));
            throw err;
          }
        }
        await status(`Done deleting ${text}.`);
        await refreshAfter(deps, ctx, d.account, region, ['securityGroups']);
      }
      return undefined;
    },
  });
}
