import { describe, expect, it } from 'vitest';
import { Controllers, cronMatches, templateHash } from './controllers.js';
import { SimCluster } from './SimCluster.js';

describe('simulated CronJob schedules', () => {
  const at = (iso: string): Date => new Date(iso);

  it('matches five-field schedules with lists, ranges, steps and macros (UTC)', () => {
    expect(cronMatches('*/15 * * * *', at('2026-01-05T10:30:00Z'))).toBe(true);
    expect(cronMatches('*/15 * * * *', at('2026-01-05T10:31:00Z'))).toBe(false);
    expect(cronMatches('0 9-17 * * 1-5', at('2026-01-05T12:00:00Z'))).toBe(true); // a Monday
    expect(cronMatches('0 9-17 * * 1-5', at('2026-01-04T12:00:00Z'))).toBe(false); // a Sunday
    expect(cronMatches('5,10 0 1 1 *', at('2026-01-01T00:10:00Z'))).toBe(true);
    expect(cronMatches('@hourly', at('2026-01-01T07:00:00Z'))).toBe(true);
    expect(cronMatches('@daily', at('2026-01-01T07:00:00Z'))).toBe(false);
    expect(cronMatches('not a schedule', at('2026-01-01T07:00:00Z'))).toBe(false);
  });

  it('creates one Job per scheduled minute, owned by the CronJob', () => {
    const cluster = new SimCluster('c');
    const controllers = new Controllers(cluster);
    try {
      const cronType = cluster.type('batch', 'v1', 'cronjobs');
      cluster.create(cronType, 'default', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report' },
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'r:1' }] } } } } },
      });
      controllers.runCronJobs(at('2026-01-05T10:05:00Z'));
      controllers.runCronJobs(at('2026-01-05T10:05:00Z'));
      controllers.runCronJobs(at('2026-01-05T10:06:00Z'));
      const jobs = cluster.store.list('batch/jobs', 'default');
      expect(jobs).toHaveLength(1);
      expect(jobs[0]?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'report', controller: true });
      expect(cluster.get(cronType, 'default', 'report').status).toMatchObject({ lastScheduleTime: '2026-01-05T10:05:00Z' });
    } finally {
      controllers.stop();
    }
  });
});

describe('pod template hash', () => {
  it('is stable across key order and empty values, and ignores the hash labels themselves', () => {
    const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i', resources: {} }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { creationTimestamp: null, labels: { 'pod-template-hash': 'zzz', app: 'x' } } };
    expect(templateHash(a)).toBe(templateHash(b));
    expect(templateHash(a)).not.toBe(templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  });
});
