/**
 * Faults the emulator can inject, for tests and benchmarks of the bridge's fault tolerance. Random
 * faults come from a seeded generator so that a failing run can be reproduced.
 */
export type FaultKind = 'error5xx' | 'timeout' | 'dropAfterCommit' | 'throttle';

export interface FaultOptions {
  /** Delay added to every request. @default 0 */
  latencyMs?: number;
  /** Fraction (0–1) of requests answered with a 500 before anything is done. @default 0 */
  errorRate?: number;
  /** Fraction of requests never answered (the socket is closed after `timeoutHoldMs`); nothing is done. */
  timeoutRate?: number;
  /** Fraction of write requests that are carried out, then the connection drops without an answer. */
  dropAfterCommitRate?: number;
  /**
   * Fraction of requests refused before anything is done, as an overloaded GLPI or its proxy does: 429 and
   * 503 in turn, with `Retry-After: retryAfterSeconds`. @default 0
   */
  throttleRate?: number;
  /** The `Retry-After` of a throttled request, in seconds. @default 1 */
  retryAfterSeconds?: number;
  /** Each session ends at its Nth request (the Nth finds it expired), as a PHP session at the end of its life. @default off */
  sessionExpiryEvery?: number;
  /** How long a "timeout" holds the request before dropping it. @default 35000 */
  timeoutHoldMs?: number;
  /** Seed of the fault generator. @default 1 */
  seed?: number;
}

export interface ScriptedFault {
  kind: FaultKind;
  /** `METHOD path` the fault applies to, e.g. /^POST Computer$/; the path has no leading slash. */
  match: RegExp;
  /** How many matching requests it hits. @default 1 */
  times?: number;
}

export class FaultInjector {
  options: Required<FaultOptions>;
  private scripted: (ScriptedFault & { left: number })[] = [];
  private random: () => number;
  readonly injected: Record<FaultKind | 'sessionExpiry', number> = {
    error5xx: 0,
    timeout: 0,
    dropAfterCommit: 0,
    throttle: 0,
    sessionExpiry: 0,
  };

  constructor(options: FaultOptions = {}) {
    this.options = FaultInjector.complete(options);
    this.random = seededRandom(this.options.seed);
  }

  static complete(options: FaultOptions): Required<FaultOptions> {
    return {
      latencyMs: 0,
      errorRate: 0,
      timeoutRate: 0,
      dropAfterCommitRate: 0,
      throttleRate: 0,
      retryAfterSeconds: 1,
      sessionExpiryEvery: 0,
      timeoutHoldMs: 35_000,
      seed: 1,
      ...options,
    };
  }

  /** Replaces the random fault settings (counters are kept). */
  configure(options: FaultOptions): void {
    this.options = FaultInjector.complete(options);
    this.random = seededRandom(this.options.seed);
  }

  /** Makes the next matching request(s) fail in a given way, whatever the random settings. */
  script(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Picks the fault for one request, if any. */
  pick(route: string, isWrite: boolean): FaultKind | undefined {
    const scripted = this.scripted.find((f) => f.left > 0 && f.match.test(route));
    if (scripted) {
      scripted.left -= 1;
      this.scripted = this.scripted.filter((f) => f.left > 0);
      return this.count(scripted.kind);
    }
    const { errorRate, timeoutRate, throttleRate, dropAfterCommitRate } = this.options;
    if (errorRate + timeoutRate + throttleRate + dropAfterCommitRate === 0) return undefined;
    // One roll per request, whatever its fault: the same seed and the same requests give the same faults.
    const roll = this.random();
    if (roll < errorRate) return this.count('error5xx');
    if (roll < errorRate + timeoutRate) return this.count('timeout');
    if (roll < errorRate + timeoutRate + throttleRate) return this.count('throttle');
    if (isWrite && roll < errorRate + timeoutRate + throttleRate + dropAfterCommitRate)
      return this.count('dropAfterCommit');
    return undefined;
  }

  private count(kind: FaultKind): FaultKind {
    this.injected[kind] += 1;
    return kind;
  }
}

/** mulberry32: small, fast and seeded; the same numbers for the same seed, on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
