// Child process for the kill -9 test: one delivery pass over DATABASE_PATH with a short lease.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
register({ tsconfig: path.join(root, 'tsconfig.json') });
const { openDatabase } = await import(pathToFileURL(path.join(root, 'db/client.ts')).href);
const { DeliveryWorker } = await import(pathToFileURL(path.join(root, 'alerts/delivery/worker.ts')).href);
const db = openDatabase(process.env.DATABASE_PATH, { migrate: false });
process.stdout.write('ready\n');
await new DeliveryWorker({ db, leaseMs: Number(process.env.LEASE_MS) }).tick();
process.stdout.write('done\n');
