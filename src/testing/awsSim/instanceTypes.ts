/**
 * A catalogue of real EC2 instance types (vCPUs, memory, architecture, current generation) as
 * DescribeInstanceTypes reports them; enough for the families Spinnaker users commonly pick.
 */
export interface InstanceTypeInfo {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly architecture: 'x86_64' | 'arm64';
  readonly burstable: boolean;
  readonly network: string;
}

const t = (instanceType: string, vcpus: number, memoryMiB: number, architecture: 'x86_64' | 'arm64', network: string): InstanceTypeInfo => ({
  instanceType,
  vcpus,
  memoryMiB,
  architecture,
  burstable: /^t\d/.test(instanceType),
  network,
});

export const INSTANCE_TYPES: readonly InstanceTypeInfo[] = [
  t('t3.nano', 2, 512, 'x86_64', 'Up to 5 Gigabit'),
  t('t3.micro', 2, 1024, 'x86_64', 'Up to 5 Gigabit'),
  t('t3.small', 2, 2048, 'x86_64', 'Up to 5 Gigabit'),
  t('t3.medium', 2, 4096, 'x86_64', 'Up to 5 Gigabit'),
  t('t3.large', 2, 8192, 'x86_64', 'Up to 5 Gigabit'),
  t('t4g.micro', 2, 1024, 'arm64', 'Up to 5 Gigabit'),
  t('t4g.small', 2, 2048, 'arm64', 'Up to 5 Gigabit'),
  t('m5.large', 2, 8192, 'x86_64', 'Up to 10 Gigabit'),
  t('m5.xlarge', 4, 16384, 'x86_64', 'Up to 10 Gigabit'),
  t('m5.2xlarge', 8, 32768, 'x86_64', 'Up to 10 Gigabit'),
  t('m6i.large', 2, 8192, 'x86_64', 'Up to 12.5 Gigabit'),
  t('m6g.large', 2, 8192, 'arm64', 'Up to 10 Gigabit'),
  t('c5.large', 2, 4096, 'x86_64', 'Up to 10 Gigabit'),
  t('c5.xlarge', 4, 8192, 'x86_64', 'Up to 10 Gigabit'),
  t('c6g.large', 2, 4096, 'arm64', 'Up to 10 Gigabit'),
  t('r5.large', 2, 16384, 'x86_64', 'Up to 10 Gigabit'),
  t('r6g.large', 2, 16384, 'arm64', 'Up to 10 Gigabit'),
];

export const INSTANCE_TYPE_NAMES = new Set(INSTANCE_TYPES.map((i) => i.instanceType));
