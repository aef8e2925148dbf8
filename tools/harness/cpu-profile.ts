import { readFileSync } from 'node:fs';

/**
 * CPU profiles of the harness's processes: with HARNESS_CPU_PROF_DIR set, the worker, the receiver and the
 * emulator run under `node --cpu-prof` and write a `.cpuprofile` into `<dir>/<name>/` when they exit;
 * `summarizeCpuProfile` says where the time went (`node -r ts-node/register/transpile-only
 * tools/harness/cpu-profile.ts FILE…`).
 */
export function cpuProfileArgs(name: string): string[] {
  const dir = process.env.HARNESS_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${name}`] : [];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a file belongs: a package of node_modules, the workflow bundle, our sources, or Node itself. */
function area(url: string): string {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('workflow-bundle')) return 'workflow bundle (workflow code, in the sandbox)';
  const own = /\/(src|dist|tools)\/(.+?)\.[jt]s$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export interface ProfileSummary {
  totalMs: number;
  byArea: { area: string; ms: number; share: number }[];
  byFunction: { fn: string; ms: number; share: number }[];
}

/** Self time by area (package or file) and by function. */
export function summarizeCpuProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += us;
    const a = functionName.startsWith('(') ? functionName : area(url);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${area(url)}:${lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ k, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    byArea: list(areas).map(({ k, ms, share }) => ({ area: k, ms, share })),
    byFunction: list(fns).map(({ k, ms, share }) => ({ fn: k, ms, share })),
  };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const s = summarizeCpuProfile(file);
    process.stdout.write(`\n${file}: ${s.totalMs} ms of CPU (idle excluded)\n  by area:\n`);
    for (const a of s.byArea)
      process.stdout.write(`    ${String(a.share).padStart(5)}%  ${a.ms} ms  ${a.area}\n`);
    process.stdout.write('  by function (self time):\n');
    for (const f of s.byFunction)
      process.stdout.write(`    ${String(f.share).padStart(5)}%  ${f.ms} ms  ${f.fn}\n`);
  }
}
