/**
 * Response rendering per wire protocol:
 * - EC2 Query: `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>..`
 *   with `<item>` lists; errors as `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>`.
 * - awsQuery: `<{Action}Response><{Action}Result>..</{Action}Result><ResponseMetadata><RequestId/>..`
 *   with `<member>` lists; errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
 * - AWS JSON 1.0 (SDK v3 CloudWatch): JSON body, timestamps as epoch seconds, errors as
 *   `{"__type": ..., "message": ...}` with the awsQuery code in `x-amzn-query-error` (awsQueryCompatible).
 * - Smithy RPC v2 CBOR (AWS CLI CloudWatch): the same in CBOR, `smithy-protocol: rpc-v2-cbor`.
 */
import { encodeCbor } from './cbor.js';
import type { AwsError } from './errors.js';
import type { ServiceDefinition } from './service.js';
import { xmlChildren } from './xml.js';

export type WireProtocol = 'ec2' | 'query' | 'json' | 'cbor';

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function renderResult(protocol: WireProtocol, service: ServiceDefinition, action: string, result: Record<string, unknown> | undefined, requestId: string): WireResponse {
  switch (protocol) {
    case 'ec2':
      return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
        body: `${XML_DECL}<${action}Response xmlns="${service.xmlns}"><requestId>${requestId}</requestId>${xmlChildren(result ?? {}, 'item')}</${action}Response>`,
      };
    case 'query': {
      const inner = result === undefined ? '' : `<${action}Result>${xmlChildren(result, 'member')}</${action}Result>`;
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<${action}Response xmlns="${service.xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`,
      };
    }
    case 'json':
      return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId }, body: JSON.stringify(toJson(result ?? {})) };
    case 'cbor':
      return { status: 200, headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-requestid': requestId }, body: encodeCbor(result ?? {}) };
  }
}

export function renderError(protocol: WireProtocol, service: ServiceDefinition | undefined, error: AwsError, requestId: string): WireResponse {
  const message = escape(error.message);
  switch (protocol) {
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `${XML_DECL}<Response><Errors><Error><Code>${error.code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse xmlns="${service?.xmlns ?? 'http://webservices.amazon.com/AWSFault/2005-15-09'}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>\n`,
      };
    case 'json':
    case 'cbor': {
      const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amzn-query-error': `${error.code};${error.type}` };
      const body = { __type: `com.amazonaws.${service?.signingName === 'monitoring' ? 'cloudwatch' : (service?.signingName ?? 'unknown')}#${service?.errorShapes?.[error.code] ?? error.code}`, message: error.message };
      return protocol === 'json'
        ? { status: error.status, headers: { ...headers, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) }
        : { status: error.status, headers: { ...headers, 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' }, body: encodeCbor(body) };
    }
  }
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON protocol values: Date as epoch seconds. */
function toJson(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x);
    return out;
  }
  return v;
}
