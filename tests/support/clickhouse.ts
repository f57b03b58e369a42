// Test engines for the ClickHouse store, started by the tests themselves: Debian's clickhouse-server (18.16) as plain
// non-root processes with config, data and logs in a temp folder, and a 2-shard cluster of two of them coordinated by
// Debian's ZooKeeper (3.8, run from its jar). Everything binds 127.0.0.1 on free ports and is stopped by killing the
// process group. A missing binary is an error that says what to install, never a skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CLICKHOUSE_SERVER = process.env.CLICKHOUSE_SERVER_BIN ?? '/usr/sbin/clickhouse-server';
export const ZOOKEEPER_JAR = process.env.ZOOKEEPER_JAR ?? '/usr/share/java/zookeeper.jar';
export const JAVA = process.env.JAVA_BIN ?? '/usr/bin/java';
export const TEST_CLUSTER = 'errata_test';

function requireBinary(file: string, what: string): void {
  if (!existsSync(file)) {
    throw new Error(`${what} is missing (${file}): install it with \`apt-get install -y clickhouse-server zookeeper\` (.ci/run does)`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A child in its own process group, so stop() reaches everything it started. */
function startGroup(cmd: string, args: string[], cwd: string, logFile: string): ChildProcess {
  const out = path.join(cwd, logFile);
  writeFileSync(out, '');
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    tail.push(b.toString('utf8'));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { outputTail: () => string }).outputTail = () => tail.join('');
  return child;
}

function outputTail(child: ChildProcess): string {
  return (child as ChildProcess & { outputTail?: () => string }).outputTail?.() ?? '';
}

async function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  await Promise.race([exited, sleep(5000)]);
}

async function waitFor(what: string, child: ChildProcess, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it was ready:\n${outputTail(child)}`);
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${outputTail(child)}`);
}

// ---------------------------------------------------------------- ZooKeeper

export interface ZooKeeper {
  port: number;
  dir: string;
  /** SIGKILL (the fault tests) or SIGTERM. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function zkCommand(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(1000, () => s.destroy(new Error('timeout')));
    s.on('connect', () => s.write(word));
    s.on('data', (b) => (got += b.toString()));
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

export async function startZooKeeper(opts: { port?: number; dir?: string } = {}): Promise<ZooKeeper> {
  requireBinary(JAVA, 'java (default-jre-headless, a dependency of zookeeper)');
  requireBinary(ZOOKEEPER_JAR, "Debian's zookeeper jar");
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'errata-zk-'));
  const port = opts.port ?? (await freePort());
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(
    path.join(dir, 'zoo.cfg'),
    [
      'tickTime=500',
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${path.join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok',
      'maxSessionTimeout=10000',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'log4j.properties'), 'log4j.rootLogger=WARN, CONSOLE\nlog4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender\nlog4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout\n');
  const child = startGroup(
    JAVA,
    ['-Xmx256m', '-XX:+UseSerialGC', '-Dzookeeper.jmx.log4j.disable=true', '-cp', ZOOKEEPER_JAR, 'org.apache.zookeeper.server.ZooKeeperServerMain', path.join(dir, 'zoo.cfg')],
    dir,
    'zookeeper.out',
  );
  await waitFor('zookeeper', child, async () => (await zkCommand(port, 'ruok')) === 'imok', 30_000);
  return {
    port,
    dir,
    async stop(signal = 'SIGKILL') {
      await killGroup(child, signal);
    },
  };
}

// ---------------------------------------------------------------- clickhouse-server

export interface ClickHouseServer {
  http_port: number;
  tcp_port: number;
  /** http://default:@127.0.0.1:<port> (no database: append /errata). */
  url: string;
  dir: string;
  /** Kill the server's process group (SIGKILL by default: what a crash looks like). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same ports and data (after stop()). */
  restart(): Promise<void>;
}

export interface ServerConfig {
  zookeeper?: { port: number };
  /** remote_servers: cluster name → shards, each a list of replicas' tcp ports. */
  cluster?: { name: string; shards: number[][] };
  macros?: Record<string, string>;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function serverConfigXml(dir: string, ports: { http: number; tcp: number; interserver: number }, cfg: ServerConfig): string {
  const p = (sub: string) => xmlText(path.join(dir, sub) + '/');
  const parts = [
    '<?xml version="1.0"?>',
    '<yandex>',
    `  <logger><level>warning</level><log>${xmlText(path.join(dir, 'log', 'server.log'))}</log><errorlog>${xmlText(path.join(dir, 'log', 'error.log'))}</errorlog><size>100M</size><count>1</count></logger>`,
    `  <http_port>${ports.http}</http_port>`,
    `  <tcp_port>${ports.tcp}</tcp_port>`,
    `  <interserver_http_port>${ports.interserver}</interserver_http_port>`,
    '  <interserver_http_host>127.0.0.1</interserver_http_host>',
    '  <listen_host>127.0.0.1</listen_host>',
    '  <max_concurrent_queries>100</max_concurrent_queries>',
    // The packaged 8 GiB / 5 GiB caches are sized for a dedicated box; tests share two cores with others.
    '  <uncompressed_cache_size>67108864</uncompressed_cache_size>',
    '  <mark_cache_size>134217728</mark_cache_size>',
    `  <path>${p('data')}</path>`,
    `  <tmp_path>${p('tmp')}</tmp_path>`,
    `  <user_files_path>${p('user_files')}</user_files_path>`,
    `  <format_schema_path>${p('format_schemas')}</format_schema_path>`,
    '  <users_config>users.xml</users_config>',
    '  <default_profile>default</default_profile>',
    '  <default_database>default</default_database>',
    '  <timezone>UTC</timezone>',
    '  <mlock_executable>false</mlock_executable>',
    '  <builtin_dictionaries_reload_interval>0</builtin_dictionaries_reload_interval>',
  ];
  if (cfg.cluster) {
    parts.push('  <remote_servers>', `    <${cfg.cluster.name}>`);
    for (const shard of cfg.cluster.shards) {
      parts.push('      <shard><internal_replication>true</internal_replication>');
      for (const port of shard) parts.push(`        <replica><host>127.0.0.1</host><port>${port}</port></replica>`);
      parts.push('      </shard>');
    }
    parts.push(`    </${cfg.cluster.name}>`, '  </remote_servers>');
  }
  if (cfg.zookeeper) {
    parts.push(
      `  <zookeeper><node><host>127.0.0.1</host><port>${cfg.zookeeper.port}</port></node><session_timeout_ms>6000</session_timeout_ms></zookeeper>`,
      '  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>',
    );
  }
  if (cfg.macros) {
    parts.push('  <macros>' + Object.entries(cfg.macros).map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`).join('') + '</macros>');
  }
  parts.push('</yandex>', '');
  return parts.join('\n');
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><load_balancing>in_order</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

async function httpOk(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}

export async function startClickHouse(cfg: ServerConfig & { ports?: { http: number; tcp: number; interserver: number } } = {}): Promise<ClickHouseServer> {
  requireBinary(CLICKHOUSE_SERVER, "Debian's clickhouse-server");
  const dir = mkdtempSync(path.join(os.tmpdir(), 'errata-ch-'));
  const ports = cfg.ports ?? { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log']) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'config.xml'), serverConfigXml(dir, ports, cfg));
  writeFileSync(path.join(dir, 'users.xml'), USERS_XML);
  let child: ChildProcess;
  const launch = async () => {
    child = startGroup(CLICKHOUSE_SERVER, [`--config-file=${path.join(dir, 'config.xml')}`], dir, 'server.out');
    await waitFor(`clickhouse-server on :${ports.http}`, child, () => httpOk(ports.http), 30_000);
  };
  await launch();
  return {
    http_port: ports.http,
    tcp_port: ports.tcp,
    url: `http://default:@127.0.0.1:${ports.http}`,
    dir,
    async stop(signal = 'SIGKILL') {
      await killGroup(child, signal);
    },
    restart: launch,
  };
}

// ---------------------------------------------------------------- a 2-shard cluster

export interface ClickHouseCluster {
  name: string;
  /** Replaceable: a test that restarts ZooKeeper puts the new one here, and stop() stops it. */
  zookeeper: ZooKeeper;
  /** One server per shard, in shard order (shard_num 1, 2). */
  servers: ClickHouseServer[];
  stop(): Promise<void>;
}

/** Two single-replica shards, each with remote_servers naming both, ZooKeeper for ON CLUSTER DDL and replication. */
export async function startCluster(opts: { name?: string; shards?: number } = {}): Promise<ClickHouseCluster> {
  const name = opts.name ?? TEST_CLUSTER;
  const n = opts.shards ?? 2;
  const zookeeper = await startZooKeeper();
  const ports = await Promise.all(
    Array.from({ length: n }, async () => ({ http: await freePort(), tcp: await freePort(), interserver: await freePort() })),
  );
  const cluster = { name, shards: ports.map((p) => [p.tcp]) };
  const servers: ClickHouseServer[] = [];
  try {
    for (let i = 0; i < n; i++) {
      servers.push(
        await startClickHouse({
          ports: ports[i],
          cluster,
          zookeeper: { port: zookeeper.port },
          macros: { cluster: name, shard: String(i + 1), replica: `r${i + 1}` },
        }),
      );
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    await zookeeper.stop();
    throw err;
  }
  const cluster_: ClickHouseCluster = {
    name,
    zookeeper,
    servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      // The ZooKeeper of now: a fault test may have replaced it with a restarted one.
      await cluster_.zookeeper.stop();
      for (const s of servers) rmSync(s.dir, { recursive: true, force: true });
      rmSync(cluster_.zookeeper.dir, { recursive: true, force: true });
    },
  };
  return cluster_;
}

/** Removes a single server's temp folder after stop(). */
export async function stopAndRemove(s: ClickHouseServer): Promise<void> {
  await s.stop();
  rmSync(s.dir, { recursive: true, force: true });
}
