import { Context } from '@temporalio/activity';

/**
 * An activity attempt's heartbeat: the one writer of its details, so that a keep-alive beat never erases a note.
 *
 * Notes: what the attempt was about to create. When a create's response is lost, the retry finds the object
 * by its marker and, reading this note, reports it as created (by the earlier attempt) rather than as found
 * unchanged.
 */
export class AttemptNotes {
  private static readonly byContext = new WeakMap<Context, AttemptNotes>();
  private readonly creating: Set<string>;

  /** The notes of the running activity attempt, shared by every step it runs (one heartbeat record). */
  static current(): AttemptNotes {
    const context = currentContext();
    if (!context) return new AttemptNotes(undefined);
    let notes = AttemptNotes.byContext.get(context);
    if (!notes) AttemptNotes.byContext.set(context, (notes = new AttemptNotes(context)));
    return notes;
  }

  private constructor(private readonly context: Context | undefined) {
    const earlier = context?.info.heartbeatDetails as { creating?: string[] } | undefined;
    this.creating = new Set(earlier?.creating ?? []);
  }

  /** Records, before the request goes out, that these markers are about to be created. */
  aboutToCreate(markers: string[]): void {
    for (const m of markers) this.creating.add(m);
    this.beat();
  }

  /** Tells Temporal the attempt is alive, with its notes. */
  beat(): void {
    this.context?.heartbeat(this.creating.size ? { creating: [...this.creating] } : undefined);
  }

  /**
   * Beats every `everyMs` until the returned function is called: a worker that dies is then noticed after the
   * activity's heartbeat timeout (seconds) rather than its start-to-close timeout (minutes).
   */
  keepAlive(everyMs: number): () => void {
    if (!this.context || this.context.info.isLocal) return () => undefined;
    const timer = setInterval(() => this.beat(), everyMs);
    return () => clearInterval(timer);
  }

  /** True when an earlier attempt announced this marker's creation: what is found now is its work. */
  createdEarlier(marker: string): boolean {
    return this.creating.has(marker);
  }

  /** This is the activity's first attempt (no earlier attempt can have written anything). */
  get firstAttempt(): boolean {
    return this.attempt === 1;
  }

  /** The attempt number, 1 for the first. */
  get attempt(): number {
    return this.context?.info.attempt ?? 1;
  }
}

/** The running activity's context; none when steps are called directly (the benchmark's baseline loop). */
function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
