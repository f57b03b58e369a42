// `npm start`: migrate the database, then serve the production build on PORT.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.NEXT_TELEMETRY_DISABLED = '1';
const port = process.env.PORT || '3000';
const args = [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', port];
if (process.env.ERRATA_HOST) args.push('-H', process.env.ERRATA_HOST);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
