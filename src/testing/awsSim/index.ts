/**
 * Entry point of the AWS API simulator: one HTTP server on loopback serving every simulated
 * service (STS, EC2, Auto Scaling, ELB v1/v2, CloudWatch, IAM) for K accounts in the given regions,
 * as `aws --endpoint-url` and the SDK v3 `endpoint` option expect. See docs/aws-simulator.md.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../core/Clock.js';
import { systemClock } from '../../core/Clock.js';
import { prng } from '../prng.js';
import { Convergence } from './convergence.js';
import { seedFleet } from './generator.js';
import type { FleetResult, FleetSpec } from './generator.js';
import type { Faults, FaultControl } from './faults.js';
import { AwsSimServer } from './server.js';
import type { ServiceDefinition } from './service.js';
import { autoScaling } from './services/autoScaling.js';
import { cloudWatch } from './services/cloudWatch.js';
import { ec2 } from './services/ec2.js';
import { elb } from './services/elb.js';
import { elbv2 } from './services/elbv2.js';
import { iam } from './services/iam.js';
import { sts } from './services/sts.js';
import { AwsWorld } from './world.js';

export type { Faults } from './faults.js';
export type { FleetResult, FleetSpec } from './generator.js';
export { AwsWorld } from './world.js';

export const SERVICES: readonly ServiceDefinition[] = [sts, ec2, autoScaling, elbv2, elb, cloudWatch, iam];

export interface AwsSimOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Number of accounts (default 1). */
  readonly accounts?: number;
  /** Simulated regions (default us-east-1, us-west-2). */
  readonly regions?: readonly string[];
  /** `demo`: a few public images in every region. */
  readonly seed?: 'demo';
  /** Seed of the id generator and fault dice (default 1). */
  readonly randomSeed?: number;
  /** Time source for timestamps, credential expiry and rate limits (default the system clock). */
  readonly clock?: Clock;
  readonly faults?: Faults;
  /**
   * Refuse requests signed more than this many ms away from `clock` (AWS allows 15 minutes:
   * EC2 `RequestExpired`, others `SignatureDoesNotMatch` "Signature expired"). Off by default,
   * since tests often run the simulator on a manual clock; the CLI turns it on.
   */
  readonly maxClockSkewMs?: number;
  /** Run a convergence step every this many ms on a timer (the CLI's default 500); tests call tick(). */
  readonly autoTickMs?: number;
}

export interface SimAccountKeys {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface AwsSim {
  /** `http://127.0.0.1:PORT`, the one endpoint of every service. */
  readonly endpoint: string;
  /** The accounts at start (see addAccount for more). */
  readonly accounts: readonly SimAccountKeys[];
  readonly regions: readonly string[];
  readonly world: AwsWorld;
  readonly faults: FaultControl;
  /** One convergence step (instances start, register, become healthy; groups reach capacity); returns the number of changes. */
  tick(): number;
  /** Ticks until nothing changes (at most 100 steps); returns the number of steps. */
  converge(): number;
  /** Adds an account at runtime (with what a new account holds); returns its keys. */
  addAccount(): SimAccountKeys;
  /** Writes a converged fleet of Auto Scaling groups (generator.ts) without API calls. */
  seedFleet(spec: FleetSpec): FleetResult;
  close(): Promise<void>;
}

export async function startAwsSim(options: AwsSimOptions = {}): Promise<AwsSim> {
  const world = new AwsWorld({
    accounts: options.accounts ?? 1,
    regions: options.regions ?? ['us-east-1', 'us-west-2'],
    seed: options.randomSeed ?? 1,
    demoImages: options.seed === 'demo',
    clock: options.clock ?? systemClock,
  });
  const convergence = new Convergence(world);
  const hooks = {
    tick: () => convergence.tick(),
    converge: () => convergence.converge(),
    seedFleet: (spec: unknown) => seedFleet(world, spec as FleetSpec),
    addAccount: (): SimAccountKeys => {
      const { credentials: c } = world.addAccount();
      return { accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
    },
  };
  const api = new AwsSimServer(world, SERVICES, hooks, options.faults, prng((options.randomSeed ?? 1) ^ 0x5eed), options.maxClockSkewMs);
  const server = http.createServer((req, res) => void api.handle(req, res));
  server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const timer = options.autoTickMs === undefined ? undefined : setInterval(() => convergence.tick(), options.autoTickMs);
  timer?.unref();
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accounts: world.accountKeys().map((c) => ({ accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey })),
    regions: world.regionNames,
    world,
    faults: api.faultControl,
    tick: hooks.tick,
    converge: hooks.converge,
    seedFleet: (spec) => seedFleet(world, spec),
    addAccount: hooks.addAccount,
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      api.closeAll();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
