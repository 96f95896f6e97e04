import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FiatPermissionDocument } from '../../src/core/security/FiatAuthorizer.js';

export interface FiatStandIn {
  readonly url: string;
  /** `GET /authorize/{user}` calls received, by user. */
  readonly calls: Map<string, number>;
  /** Answer 503 to everything (Fiat down) until set back. */
  down: boolean;
  stop(): Promise<void>;
}

/**
 * A real HTTP server on loopback answering `GET /authorize/{user}` with permission documents in
 * Fiat's `UserPermission.View` shape (name, accounts[], applications[], serviceAccounts[],
 * roles[], buildServices[], extensionResources, admin, legacyFallback,
 * allowAccessToUnknownApplications, accountManager); unknown users get 404 as Fiat answers.
 */
export async function startFiatStandIn(users: Readonly<Record<string, FiatPermissionDocument>>): Promise<FiatStandIn> {
  const calls = new Map<string, number>();
  const state = { down: false };
  const server = http.createServer((req, res) => {
    const match = /^\/authorize\/([^/?]+)$/.exec(req.url ?? '');
    if (state.down) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"down"}');
      return;
    }
    if (req.method !== 'GET' || match?.[1] === undefined) {
      res.writeHead(404).end();
      return;
    }
    const user = decodeURIComponent(match[1]);
    calls.set(user, (calls.get(user) ?? 0) + 1);
    const doc = users[user];
    if (doc === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `user ${user} not found` }));
      return;
    }
    const view = {
      name: user,
      accounts: [],
      applications: [],
      serviceAccounts: [],
      roles: [],
      buildServices: [],
      extensionResources: {},
      admin: false,
      legacyFallback: false,
      allowAccessToUnknownApplications: false,
      accountManager: false,
      ...doc,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
