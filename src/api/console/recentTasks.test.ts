import { describe, expect, it } from 'vitest';
import { RecentTaskIndex, describeSubmission } from './recentTasks.js';

const task = (id: string, submittedMs = 0) => ({ id, cloudProvider: 'kubernetes', operations: [], accounts: [], user: null, submittedMs });

describe('RecentTaskIndex', () => {
  it('lists newest first and forgets the oldest past its limit', () => {
    const index = new RecentTaskIndex(2);
    index.add(task('a'));
    index.add(task('b'));
    index.add(task('c'));
    expect(index.list().map((t) => t.id)).toEqual(['c', 'b']);
    expect(index.get('a')).toBeUndefined();
    index.add(task('b', 5)); // seen again: moves to the front
    expect(index.list().map((t) => t.id)).toEqual(['b', 'c']);
  });
});

describe('describeSubmission', () => {
  it('names the operations and the accounts of a list of operations', () => {
    const body = [{ deployManifest: { account: 'k8s' }, scaleManifest: { account: 'other' } }, { resizeServerGroup: { credentials: 'prod' } }, 'junk'];
    expect(describeSubmission(body, undefined)).toEqual({ operations: ['deployManifest', 'scaleManifest', 'resizeServerGroup'], accounts: ['k8s', 'other', 'prod'] });
  });

  it('reads one description for /ops/{name}', () => {
    expect(describeSubmission({ accountName: 'a' }, 'runJob')).toEqual({ operations: ['runJob'], accounts: ['a'] });
    expect(describeSubmission(null, 'runJob')).toEqual({ operations: ['runJob'], accounts: [] });
  });
});
