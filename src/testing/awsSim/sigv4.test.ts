import { describe, expect, it } from 'vitest';
import { expectedSignature, parseAuthorization, signatureMatches } from './sigv4.js';

// The signing examples AWS publishes (IAM ListUsers example from the Signature Version 4 docs;
// "get-vanilla" from the aws-sig-v4-test-suite), with the example credentials.
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('SigV4 verification', () => {
  it('computes the signature of the documented IAM ListUsers example', () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z' };
    const scope = parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(scope).toEqual(expect.objectContaining({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'iam' }));
    if (scope === undefined) return;
    const req = { method: 'GET', path: '/', query: 'Action=ListUsers&Version=2010-05-08', headers, body: Buffer.alloc(0) };
    expect(expectedSignature(req, scope, SECRET)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(signatureMatches(req, scope, SECRET)).toBe(true);
    expect(signatureMatches(req, scope, `${SECRET}x`)).toBe(false);
    expect(signatureMatches({ ...req, query: 'Action=ListUsers&Version=2010-05-09' }, scope, SECRET)).toBe(false);
  });

  it('computes the get-vanilla test-suite signature', () => {
    const scope = parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    if (scope === undefined) throw new Error('unparsed');
    const req = { method: 'GET', path: '/', query: '', headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' }, body: Buffer.alloc(0) };
    expect(signatureMatches(req, scope, SECRET)).toBe(true);
  });

  it('does not parse other schemes or incomplete headers', () => {
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam, SignedHeaders=host, Signature=00')).toBeUndefined();
  });
});
