/**
 * `npm run aws-sim -- --port N [--seed demo] [--accounts K] [--regions us-east-1,us-west-2]
 *  [--faults FILE.json] [--tick-ms MS]`: runs the AWS API simulator until SIGINT/SIGTERM, printing
 * one JSON line at start with the endpoint and the first account's keys (the others under
 * `accounts`). Convergence runs on a timer (default every 500 ms).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startAwsSim } from './index.js';
import type { Faults } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      accounts: { type: 'string', default: '1' },
      regions: { type: 'string', default: 'us-east-1,us-west-2' },
      faults: { type: 'string' },
      'tick-ms': { type: 'string', default: '500' },
    },
  });
  if (values.seed !== undefined && values.seed !== 'demo') throw new Error(`unknown seed ${values.seed} (only "demo")`);
  const faults = values.faults === undefined ? undefined : (JSON.parse(readFileSync(values.faults, 'utf8')) as Faults);
  const sim = await startAwsSim({
    port: Number(values.port),
    accounts: Number(values.accounts),
    regions: values.regions.split(',').map((r) => r.trim()).filter((r) => r !== ''),
    ...(values.seed === 'demo' ? { seed: 'demo' as const } : {}),
    ...(faults === undefined ? {} : { faults }),
    autoTickMs: Number(values['tick-ms']),
    maxClockSkewMs: 15 * 60 * 1000,
  });
  const [first] = sim.accounts;
  if (first === undefined) throw new Error('at least one account is required');
  process.stdout.write(
    `${JSON.stringify({ msg: 'aws-sim listening', endpoint: sim.endpoint, accountId: first.accountId, accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey, regions: sim.regions, accounts: sim.accounts.slice(1) })}\n`,
  );
  const shutdown = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`aws-sim: ${(e as Error).message}\n`);
  process.exit(1);
});
