/** EC2 key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.js';
import { required, str, strings } from '../../params.js';
import type { ActionHandler } from '../../service.js';
import { applyTagSpecifications, matches, parseFilters, requireAll, tagSet } from './common.js';

function fingerprint(material: string): string {
  return (createHash('sha1').update(material).digest('hex').match(/../g) ?? []).join(':');
}

export const keyPairActions: Record<string, ActionHandler> = {

  CreateKeyPair: (ctx, p) => {
    const keyName = required(p, 'KeyName', 'MissingParameter');
    if ([...ctx.region.ec2.keyPairs.values()].some((k) => k.keyName === keyName)) throw new AwsError('InvalidKeyPair.Duplicate', `The keypair already exists`);
    const keyType = str(p, 'KeyType') ?? 'rsa';
    const material = `-----BEGIN RSA PRIVATE KEY-----\n${ctx.world.secret(64)}\n-----END RSA PRIVATE KEY-----`;
    const key = { keyName, keyPairId: `key-${ctx.world.hex(17)}`, keyFingerprint: fingerprint(material), keyType, createTime: ctx.world.now() };
    ctx.region.ec2.keyPairs.set(key.keyPairId, key);
    applyTagSpecifications(ctx.region.ec2, p, 'key-pair', key.keyPairId);
    return { keyName, keyFingerprint: key.keyFingerprint, keyMaterial: material, keyPairId: key.keyPairId, tagSet: tagSet(ctx.region.ec2.tags.get(key.keyPairId)) };
  },

  ImportKeyPair: (ctx, p) => {
    const keyName = required(p, 'KeyName', 'MissingParameter');
    const material = Buffer.from(required(p, 'PublicKeyMaterial', 'MissingParameter'), 'base64').toString('utf8');
    if ([...ctx.region.ec2.keyPairs.values()].some((k) => k.keyName === keyName)) throw new AwsError('InvalidKeyPair.Duplicate', `The keypair already exists`);
    if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+) /.test(material)) throw new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    const key = { keyName, keyPairId: `key-${ctx.world.hex(17)}`, keyFingerprint: fingerprint(material), keyType: material.startsWith('ssh-ed25519') ? 'ed25519' : 'rsa', createTime: ctx.world.now() };
    ctx.region.ec2.keyPairs.set(key.keyPairId, key);
    return { keyName, keyFingerprint: key.keyFingerprint, keyPairId: key.keyPairId, tagSet: [] };
  },

  DescribeKeyPairs: (ctx, p) => {
    const names = strings(p, 'KeyName');
    const ids = strings(p, 'KeyPairId');
    let keys = [...ctx.region.ec2.keyPairs.values()];
    if (names.length > 0) keys = requireAll(names, (n) => keys.find((k) => k.keyName === n), 'InvalidKeyPair.NotFound', (m) => `The key pair '${m.join(', ')}' does not exist`);
    if (ids.length > 0) keys = requireAll(ids, (id) => keys.find((k) => k.keyPairId === id), 'InvalidKeyPair.NotFound', (m) => `The key pair '${m.join(', ')}' does not exist`);
    const filters = parseFilters(p);
    keys = keys.filter((k) => matches(filters, (n) => ({ 'key-name': [k.keyName], 'key-pair-id': [k.keyPairId], fingerprint: [k.keyFingerprint] })[n], ctx.region.ec2.tags.get(k.keyPairId)));
    return { keySet: keys.map((k) => ({ keyPairId: k.keyPairId, keyType: k.keyType, tagSet: tagSet(ctx.region.ec2.tags.get(k.keyPairId)), createTime: k.createTime, keyName: k.keyName, keyFingerprint: k.keyFingerprint })) };
  },

  DeleteKeyPair: (ctx, p) => {
    const name = str(p, 'KeyName');
    const id = str(p, 'KeyPairId');
    const key = [...ctx.region.ec2.keyPairs.values()].find((k) => k.keyName === name || k.keyPairId === id);
    // EC2 answers true for a key that does not exist (idempotent delete).
    if (key !== undefined) ctx.region.ec2.keyPairs.delete(key.keyPairId);
    return { return: true, keyPairId: key?.keyPairId };
  },

};
