import { metrics, recordHttp, recordIngestBatch } from './lib/metrics';
for (let i = 0; i < 30; i++) recordHttp('/api/v1/ingest', 'POST', 200, 0.05);
recordIngestBatch({ api: 'ingest', token_id: 1, accepted: 10, duplicates: 1, reasons: { missing_field: 2 }, bytes: 3000, seconds: 0.1 });
const r = metrics().registry;
await r.metrics();
const c0 = process.cpuUsage(); const t = performance.now();
for (let i = 0; i < 50; i++) await r.metrics();
const c = process.cpuUsage(c0);
console.log('per scrape wall', ((performance.now() - t) / 50).toFixed(2), 'ms, cpu', ((c.user + c.system) / 1000 / 50).toFixed(2), 'ms, bytes', (await r.metrics()).length);
