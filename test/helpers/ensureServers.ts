import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Makes the loopback database servers the store tests use reachable: when a port does not answer,
 * installs the Debian package (apt-get, as root) if the server is missing, starts it and waits.
 * Each server is checked once per test process.
 */
export type ServerName = 'redis' | 'postgres' | 'mysql';

interface ServerSpec {
  readonly port: number;
  readonly pkg: string;
  readonly binary: string;
  readonly start: string;
  readonly prepare?: () => void;
}

const SERVERS: Record<ServerName, ServerSpec> = {
  redis: {
    port: 6379,
    pkg: 'redis-server',
    binary: '/usr/bin/redis-server',
    prepare: () => {
      for (const dir of ['/var/lib/redis', '/var/log/redis']) mkdirSync(dir, { recursive: true });
    },
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
  postgres: {
    port: 5432,
    pkg: 'postgresql',
    binary: '/usr/bin/pg_ctlcluster',
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  mysql: {
    port: 3306,
    pkg: 'mariadb-server',
    binary: '/usr/sbin/mariadbd',
    prepare: () => mkdirSync('/run/mysqld', { recursive: true }),
    start: 'chown mysql:mysql /run/mysqld && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  },
};

const pending = new Map<ServerName, Promise<void>>();

export function ensureServer(name: ServerName): Promise<void> {
  let p = pending.get(name);
  if (!p) pending.set(name, (p = ensure(name)));
  return p;
}

async function ensure(name: ServerName): Promise<void> {
  const spec = SERVERS[name];
  if (await reachable(spec.port)) return;
  if (!existsSync(spec.binary)) {
    run('apt-get update -qq');
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${spec.pkg}`);
  }
  spec.prepare?.();
  run(spec.start);
  const end = Date.now() + 30_000;
  while (!(await reachable(spec.port))) {
    if (Date.now() > end) throw new Error(`${name} did not start listening on 127.0.0.1:${spec.port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (name === 'postgres') run(`su postgres -c "psql -qc 'CREATE DATABASE test'" || true`);
  if (name === 'mysql') run(`mariadb -uroot -e 'CREATE DATABASE IF NOT EXISTS test' || true`);
}

function run(command: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`a test database server is not reachable and setting it up needs root: ${command}`);
  }
  execSync(command, { stdio: 'inherit', shell: '/bin/bash' });
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
