/**
 * The contract every simulated service implements: its signing name and API version (how a
 * request is routed to it), its wire protocol, the XML namespace of its responses, and one handler
 * per action. A handler receives the parsed parameters (params.ts) and returns the result members
 * with their wire names (rendered by protocols.ts), or throws an {@link AwsError}.
 */
import type { Params } from './params.js';
import type { RegionState } from './state.js';
import type { AwsWorld, SimAccount, SimCredentials } from './world.js';

export interface RequestContext {
  readonly world: AwsWorld;
  readonly account: SimAccount;
  readonly region: RegionState;
  readonly credentials: SimCredentials;
  readonly action: string;
  readonly requestId: string;
}

export type ActionHandler = (ctx: RequestContext, params: Params) => Record<string, unknown> | undefined;

export interface ServiceDefinition {
  /** The SigV4 credential scope's service name. */
  readonly signingName: 'ec2' | 'autoscaling' | 'elasticloadbalancing' | 'monitoring' | 'iam' | 'sts';
  /** The Query protocol `Version` parameter (tells ELB v1 from v2, which share the signing name). */
  readonly version: string;
  readonly protocol: 'ec2' | 'query';
  readonly xmlns: string;
  /** Smithy service shape name: the JSON `X-Amz-Target` prefix and the RPC v2 CBOR path segment. */
  readonly smithyName?: string;
  /**
   * For awsQueryCompatible JSON/CBOR services: the error shape each awsQuery code belongs to
   * (`__type` names the shape, `x-amzn-query-error` carries the code); codes not listed are their own shape.
   */
  readonly errorShapes?: Readonly<Record<string, string>>;
  /** Error code of a throttled request (EC2 `RequestLimitExceeded`, others `Throttling`). */
  readonly throttleCode: string;
  readonly actions: Readonly<Record<string, ActionHandler>>;
}
