/**
 * Sustained churn (docs/benchmarks.md §19): 1,000 object changes per second across one account
 * of ~50,000 objects for 5 minutes; see `churnScenario.ts` for what is measured.
 *
 *   npm run bench:churn [-- rate seconds deployments]
 */
import { measureChurn } from './churnScenario.js';
import { report } from './lib.js';

report(
  'churn',
  await measureChurn({
    rate: Number(process.argv[2] ?? '1000'),
    seconds: Number(process.argv[3] ?? '300'),
    deployments: Number(process.argv[4] ?? '385'),
    baselineProbes: 30,
    probeIntervalMs: 1000,
    sampleSeconds: 10,
    settleSeconds: 15,
  }),
);
