import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Makes the loopback servers the store tests use reachable, as this machine has them: Redis on
 * 6379; PostgreSQL on 5432 (trust auth, user postgres, database `test`); MariaDB on 3306 (root,
 * empty password, database `test`). When a port does not answer, the server is installed if
 * missing (Debian package, apt-get, as root; a fresh install gets that auth set up), started and
 * waited for. Each server is checked once per test process.
 */
export type ServerName = 'redis' | 'postgres' | 'mysql';

interface ServerSpec {
  readonly port: number;
  readonly pkg: string;
  readonly binary: string;
  readonly start: string;
  /** Before starting (directories the daemon needs). */
  readonly prepare?: () => void;
  /** After a fresh install and start: the test auth and database. */
  readonly setUp?: () => void;
}

const pgVersion = () => execSync('ls /etc/postgresql', { encoding: 'utf8' }).trim().split('\n')[0] ?? '';

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
    setUp: () => {
      writeFileSync(`/etc/postgresql/${pgVersion()}/main/pg_hba.conf`, 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
      run('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main reload');
      run(`su postgres -c "psql -qc 'CREATE DATABASE test'" || true`);
    },
  },
  mysql: {
    port: 3306,
    pkg: 'mariadb-server',
    binary: '/usr/sbin/mariadbd',
    prepare: () => {
      mkdirSync('/run/mysqld', { recursive: true });
      run('chown mysql:mysql /run/mysqld');
    },
    start: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
    setUp: () =>
      run(
        `mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(''); ` +
          `CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; ` +
          `CREATE DATABASE IF NOT EXISTS test"`,
      ),
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
  const fresh = !existsSync(spec.binary);
  if (fresh) {
    run('apt-get update -qq');
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${spec.pkg}`);
  }
  if (!(await reachable(spec.port))) {
    spec.prepare?.();
    run(spec.start);
  }
  const end = Date.now() + 30_000;
  while (!(await reachable(spec.port))) {
    if (Date.now() > end) throw new Error(`${name} did not start listening on 127.0.0.1:${spec.port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (fresh) spec.setUp?.();
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
