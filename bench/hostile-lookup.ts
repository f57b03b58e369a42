// Lookups of the largest text the API accepts, in the shapes that would make a backtracking parser quadratic, while
// a second client pings /api/v1/health: the lookup must answer in under a second and health must keep answering
// in under 50 ms. The floor is health pinged the same way with nothing else running, in the same run.
import { adversarialTexts } from '../tests/support/adversarial-text';
import { summarize, type LatencySummary } from './floor';
import { keepAliveAgent, request } from './http-client';
import { groupCpuSeconds } from './rss';
import { elapsedMs, nowNs, sleep } from './stats';

export interface HostileLookupShape {
  shape: string;
  lookup_ms: number;
  server_cpu_ms: number;
  health: LatencySummary;
}

export interface HostileLookups {
  idle_health: LatencySummary;
  shapes: HostileLookupShape[];
  /** The slowest lookup and the slowest health answer during any of them. */
  worst_lookup_ms: number;
  worst_health_ms: number;
}

const PING_GAP_MS = 10;

async function pingHealth(baseUrl: string, until: () => boolean): Promise<number[]> {
  const agent = keepAliveAgent(1);
  const samples: number[] = [];
  try {
    while (!until()) {
      const t = nowNs();
      const res = await request(`${baseUrl}/api/v1/health`, { agent });
      samples.push(elapsedMs(t));
      if (res.status !== 200) throw new Error(`health: HTTP ${res.status}`);
      await sleep(PING_GAP_MS);
    }
  } finally {
    agent.destroy();
  }
  return samples;
}

/** `shapes`: how many of the adversarial texts to send (all of them when omitted). */
export async function hostileLookups(baseUrl: string, pgid: number, token: string, shapes?: number): Promise<HostileLookups> {
  const texts = adversarialTexts();
  const chosen = shapes === undefined ? texts : texts.filter((_, i) => i % Math.ceil(texts.length / shapes) === 0);
  const agent = keepAliveAgent(1);
  const post = (body: string) =>
    request(`${baseUrl}/api/v1/requests/lookup`, { method: 'POST', agent, body, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' } });
  await post('req_warmup01');
  let idleDone = false;
  const idleUntil = Date.now() + 2_000;
  const idle = await pingHealth(baseUrl, () => idleDone || Date.now() > idleUntil);
  idleDone = true;
  const out: HostileLookupShape[] = [];
  for (const [shape, text] of chosen) {
    let done = false;
    const pinger = pingHealth(baseUrl, () => done);
    const cpu0 = groupCpuSeconds(pgid);
    const t = nowNs();
    const res = await post(text);
    const lookup_ms = elapsedMs(t);
    const server_cpu_ms = (groupCpuSeconds(pgid) - cpu0) * 1000;
    done = true;
    const health = await pinger;
    if (res.status !== 200) throw new Error(`lookup of ${shape}: HTTP ${res.status}`);
    out.push({ shape, lookup_ms, server_cpu_ms, health: summarize(health) });
  }
  agent.destroy();
  return {
    idle_health: summarize(idle),
    shapes: out,
    worst_lookup_ms: Math.max(...out.map((s) => s.lookup_ms)),
    worst_health_ms: Math.max(...out.map((s) => s.health.max_ms)),
  };
}
