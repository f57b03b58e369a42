// `npm run demo`: build when the build is missing or older than the sources, fill the database at DATABASE_PATH
// (default ./data/errata.db) when it is missing or holds no requests, then serve it and print the URL, a token
// and the demo admin's sign-in.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distDir, errataDir } from './dist-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NEXT_TELEMETRY_DISABLED = '1';
const databasePath = path.resolve(root, process.env.DATABASE_PATH || './data/errata.db');
const port = process.env.PORT || '3000';
const SOURCES = ['app', 'auth', 'alerts', 'behaviour', 'cli', 'demo', 'components', 'lib', 'db', 'ingest', 'scripts', 'proxy.ts', 'next.config.ts', 'package.json', 'tsconfig.json'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function buildIsCurrent() {
  const marker = path.join(root, distDir, 'BUILD_ID');
  if (!fs.existsSync(marker) || !['ingest-worker.mjs', 'cli.mjs'].every((f) => fs.existsSync(path.join(errataDir, f)))) return false;
  const built = fs.statSync(marker).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

function step(message) {
  process.stdout.write(`\n==> ${message}\n`);
}

if (buildIsCurrent()) {
  step(`Using the production build in ${distDir} (up to date with the sources)`);
} else {
  step('Building the production app (npm run build)');
  const res = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    process.stderr.write('npm run demo: the build failed, see above.\n');
    process.exit(res.status ?? 1);
  }
}

// The CLI's own modules (TypeScript through tsx): the same demo fill as `errata demo`, a token, the demo admin.
process.env.DATABASE_PATH = databasePath;
const env = { ...process.env };
const { register } = await import('tsx/esm/api');
register({ tsconfig: path.join(root, 'tsconfig.json') });
const { openDatabase } = await import(pathToFileURL(path.join(root, 'db/client.ts')).href);
const { openRequestStore } = await import(pathToFileURL(path.join(root, 'db/open-store.ts')).href);
const demo = await import(pathToFileURL(path.join(root, 'cli/commands/demo.ts')).href);

let stored = 0;
if (fs.existsSync(databasePath)) {
  const existing = openDatabase(databasePath);
  const store = openRequestStore(existing);
  stored = (await store.counts()).requests;
  await store.close();
  existing.$client.close();
}
if (stored > 0) {
  step(`Using the existing database ${databasePath} (${stored.toLocaleString('en-US')} requests; delete it for fresh demo traffic)`);
} else {
  step(`Filling ${databasePath} with a week of demo traffic`);
  // `npm run demo -- --records 100000 --days 3` passes its options to `errata demo`.
  const code = await demo.run(process.argv.slice(2));
  if (code !== 0) {
    process.stderr.write('npm run demo: could not create the demo database, see above.\n');
    process.exit(code);
  }
}
const db = openDatabase(databasePath);
const access = demo.demoAccess(db);
db.$client.close();

step(`Starting errata on port ${port}`);
// The same V8 flag as `npm start` (package.json): see scripts/start.mjs.
const child = spawn(process.execPath, ['--max-old-space-size=1024', path.join(root, 'scripts/start.mjs')], { cwd: root, stdio: 'inherit', env: { ...env, PORT: port } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

const local = `http://localhost:${port}`;
const health = `http://127.0.0.1:${port}/api/v1/health`;
const deadline = Date.now() + 120_000;
for (;;) {
  if (child.exitCode !== null) break;
  try {
    const res = await fetch(health);
    if (res.ok) break;
  } catch {
    /* not listening yet */
  }
  if (Date.now() > deadline) {
    process.stderr.write(`npm run demo: the server did not answer ${health} within 2 minutes.\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}

const lines = [
  '',
  `errata demo is running at ${local}`,
  '',
  access.admin ? `  Sign in:    ${access.admin.email}  /  ${access.admin.password}` : '  Sign in:    (no demo admin available)',
  `  API token:  ${access.token}   (scopes: ingest, read)`,
  '',
  `  curl -H "Authorization: Bearer ${access.token}" '${local}/api/v1/stats/summary'`,
  `  Database:   ${databasePath}`,
  '',
  'Press Ctrl+C to stop.',
  '',
];
process.stdout.write(lines.join('\n') + '\n');
