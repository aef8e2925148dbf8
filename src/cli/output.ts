/** Terminal output: plain tables and a progress line that redraws itself on a TTY. */

export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_h, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function progressLine(done: number, total: number, extra = ''): string {
  const width = 30;
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.round(ratio * 100)}% ${extra}`;
}

export interface Progress {
  /** Redraws the progress line (in place on a TTY, one line per change otherwise). */
  update(line: string): void;
  /** A line of its own that stays (a retry, a cause), printed above the progress line. */
  note(line: string): void;
  done(): void;
}

/** Writes a progress line: in place on a TTY, one line per change otherwise. */
export function makeProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last = '';
  let drawn = false;
  return {
    update(line: string) {
      if (line === last && drawn) return;
      last = line;
      drawn = true;
      if (stream.isTTY) stream.write(`\r${line}\x1b[K`);
      else stream.write(`${line}\n`);
    },
    note(line: string) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line}\n`);
        if (drawn) stream.write(last);
      } else stream.write(`${line}\n`);
    },
    done() {
      if (stream.isTTY && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
