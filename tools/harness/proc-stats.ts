import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * CPU time and memory of a process, read from Linux's /proc: what `ps` shows, for processes the harness
 * started (worker, receiver, emulator, Temporal dev server) and for itself.
 */
export interface ProcSample {
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Resident memory now (VmRSS). */
  rssMiB: number;
  /** Highest resident memory since start, or since the last `resetPeakRss` (VmHWM). */
  peakRssMiB: number;
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

function kib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** The process's figures, or undefined when it is gone. */
export function procSample(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds,
      rssMiB: kib(status, 'VmRSS') / 1024,
      peakRssMiB: kib(status, 'VmHWM') / 1024,
    };
  } catch {
    return undefined;
  }
}

/** Resets the process's peak RSS to its current RSS (`echo 5 > /proc/<pid>/clear_refs`); false when refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds the whole machine spent busy since boot (all cores; /proc/stat). */
export function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
    const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
    return busy / clockTicks();
  } catch {
    return 0;
  }
}

export interface PhaseFigures {
  /** CPU seconds the process used during the phase. */
  cpuSeconds: number;
  /** Its peak RSS during the phase (since start when the peak could not be reset). */
  peakRssMiB: number;
}

/**
 * Per-process CPU and peak memory over phases of a run. `start` notes each process's CPU and resets its
 * peak; `end` returns what each used meanwhile. `lifetimePeakRssMiB` keeps every process's highest peak.
 */
export class ProcessMeter {
  private readonly pids = new Map<string, number>();
  private readonly lifetime = new Map<string, number>();
  private readonly last = new Map<string, ProcSample>();

  /** Watches a process under a name (a restarted process takes over its name). */
  watch(name: string, pid: number | undefined): void {
    if (pid === undefined) return;
    this.pids.set(name, pid);
  }

  names(): string[] {
    return [...this.pids.keys()];
  }

  private sample(name: string): ProcSample | undefined {
    const s = procSample(this.pids.get(name)!);
    if (s) {
      this.last.set(name, s);
      this.lifetime.set(name, Math.max(this.lifetime.get(name) ?? 0, s.peakRssMiB));
    }
    return s ?? this.last.get(name);
  }

  /**
   * A phase begins: returns a function that ends it and gives each watched process's figures, and under
   * `other processes` the CPU the rest of the machine used meanwhile (noise: another test run, …).
   */
  start(): () => Record<string, PhaseFigures> {
    const machineBefore = machineBusySeconds();
    const before = new Map<string, number>();
    for (const name of this.pids.keys()) {
      const s = this.sample(name);
      before.set(name, s?.cpuSeconds ?? 0);
      resetPeakRss(this.pids.get(name)!);
    }
    return () => {
      const out: Record<string, PhaseFigures> = {};
      for (const name of this.pids.keys()) {
        const s = this.sample(name);
        if (!s) continue;
        out[name] = {
          cpuSeconds: s.cpuSeconds - (before.get(name) ?? 0),
          peakRssMiB: s.peakRssMiB,
        };
      }
      const ours = Object.values(out).reduce((sum, f) => sum + f.cpuSeconds, 0);
      out['other processes'] = {
        cpuSeconds: Math.max(0, machineBusySeconds() - machineBefore - ours),
        peakRssMiB: NaN,
      };
      return out;
    };
  }

  /** CPU seconds of each watched process since it started. */
  totals(): Record<string, ProcSample> {
    const out: Record<string, ProcSample> = {};
    for (const name of this.pids.keys()) {
      const s = this.sample(name);
      if (s) out[name] = s;
    }
    return out;
  }

  /** The highest peak RSS seen of each process, over the whole run. */
  lifetimePeakRssMiB(): Record<string, number> {
    for (const name of this.pids.keys()) this.sample(name);
    return Object.fromEntries(this.lifetime);
  }
}
