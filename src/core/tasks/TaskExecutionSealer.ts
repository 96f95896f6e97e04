import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Identity } from '../security/Identity.js';

/**
 * What a task needs to run again on any instance: its cloud provider, the operations exactly as
 * requested (`{name, description}`, descriptions unparsed, so a resume validates them again), and
 * the identity that submitted them (authorization is checked again with it on resume).
 *
 * Clouddriver keeps the equivalent in its saga repository (`OperationsController.resumeTask`
 * rebuilds the operations from the task's `sagaIds`), in clear; descriptions hold secrets (a
 * Kubernetes Secret in `deployManifest`, tokens), so here they are only ever stored sealed.
 */
export interface TaskExecution {
  readonly cloudProvider: string;
  readonly operations: readonly { readonly name: string; readonly description: unknown }[];
  readonly identity: Identity;
}

const PREFIX = 'aes-256-gcm:v1:';

/**
 * Seals task executions with AES-256-GCM under the operator's task storage key (a fresh 12-byte
 * IV per seal; the task's request id is the additional authenticated data, so a sealed execution
 * cannot be moved to another task). Every instance sharing a task repository needs the same key
 * to resume each other's tasks. `open` throws on a wrong key, a tampered or moved value.
 */
export class TaskExecutionSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the task storage key must be 32 bytes (base64 of 32 random bytes)');
  }

  seal(requestId: string, execution: TaskExecution): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(aad(requestId));
    const body = Buffer.concat([cipher.update(JSON.stringify(execution), 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(requestId: string, sealed: string): TaskExecution {
    if (!sealed.startsWith(PREFIX)) throw new Error('unknown task execution format');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(aad(requestId));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as TaskExecution;
  }
}

function aad(requestId: string): Buffer {
  return Buffer.from(`task:${requestId}`);
}
