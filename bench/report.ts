// Writes the results: latest.md (the README's table), latest.json, and dated copies of both.
import fs from 'node:fs';
import path from 'node:path';

export interface Measure {
  id: string;
  measure: string;
  /** What errata did, human-readable. */
  errata: string;
  /** The floor measured in the same run, human-readable ('—' when the issue sets none). */
  floor: string;
  /** errata ÷ floor (throughputs) or floor ÷ errata (times), as the target is phrased; null when none. */
  ratio: number | null;
  ratio_text: string;
  target: string;
  /** null: reported only, or not measured in this run. */
  met: boolean | null;
  figures: Record<string, unknown>;
}

export interface BenchResults {
  scale: string;
  date: string;
  duration_s: number;
  machine: Record<string, unknown>;
  software: Record<string, unknown>;
  data: Record<string, unknown>;
  phases: { phase: string; seconds: number; load_1m_end: number; detail?: string }[];
  measures: Measure[];
  notes: string[];
}

function formatSeconds(s: number): string {
  return s < 120 ? `${Math.round(s)} s` : `${Math.round(s)} s = ${(s / 60).toFixed(1)} min`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdown(r: BenchResults): string {
  const m = r.machine;
  const s = r.software;
  const d = r.data;
  const lines = [
    `### Benchmark (${r.scale} scale, ${r.date.slice(0, 10)})`,
    '',
    `\`npm run bench -- --scale ${r.scale}\` on ${m.cpu} (${m.cores} cores, ${m.memory_gb} GiB), ${m.os}; Node ${s.node}, SQLite ${s.sqlite}, ` +
      `better-sqlite3 ${s.better_sqlite3}, Next.js ${s.next}; commit ${s.commit}. Load average at start ${m.load_start}, at end ${m.load_end} ` +
      `(shared machine: compare ratios, not absolute times). Data: ${Number(d.lines).toLocaleString('en')} gateway lines from demo/traffic.ts ` +
      `(seed ${d.seed}; ${Number(d.unique).toLocaleString('en')} distinct records, ${Number(d.duplicates).toLocaleString('en')} resent duplicates, ` +
      `${Number(d.bad).toLocaleString('en')} bad lines, ${d.error_pct} % errors, ${d.keys} keys, 30 days, ${d.raw_mb} MB NDJSON / ${d.gzip_mb} MB gzip). ` +
      `Whole run ${r.duration_s < 120 ? `${Math.round(r.duration_s)} s` : `${Math.round(r.duration_s / 60)} min`}.`,
    '',
    '| measure | errata | floor in the same run | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.measures.map(
      (x) =>
        `| ${cell(x.measure)} | ${cell(x.errata)} | ${cell(x.floor)} | ${cell(x.ratio_text)} | ${cell(x.target)} | ${x.met === null ? '—' : x.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  lines.push(
    `Time per phase (wall; 1-min load average at its end), whole run ${formatSeconds(r.duration_s)}:`,
    '',
    ...r.phases.map((p) => `- ${p.phase}: ${formatSeconds(p.seconds)} (load ${p.load_1m_end})${p.detail ? `: ${p.detail}` : ''}`),
    '',
  );
  if (r.notes.length > 0) {
    lines.push('Notes:', '', ...r.notes.map((n) => `- ${n}`), '');
  }
  return lines.join('\n');
}

/** Writes latest.{md,json} and `<date>-<scale>.{md,json}` into outDir; returns the paths written. */
export function writeResults(outDir: string, r: BenchResults): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = r.date.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const md = markdown(r);
  const json = JSON.stringify(r, null, 2) + '\n';
  const files: [string, string][] = [
    ['latest.md', md],
    ['latest.json', json],
    [`${stamp}-${r.scale}.md`, md],
    [`${stamp}-${r.scale}.json`, json],
  ];
  return files.map(([name, text]) => {
    const file = path.join(outDir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}
