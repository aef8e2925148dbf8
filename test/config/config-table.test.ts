import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { envSchema } from '../../src/config/config';

/**
 * The configuration table of the README (section `## Configuration`, the table whose header is
 * `| variable | default | meaning |`) and the configuration schema must list the same variables with the
 * same defaults, so that they cannot drift apart again. The format read:
 *
 * - first cell: the variable in backticks, or several (`` `GLPI_USERNAME`, `GLPI_PASSWORD` ``);
 * - second cell: the default. When the schema gives the variable a default, the cell holds it as a
 *   backticked literal (`\n` in it stands for a line break), which the schema must read as that same
 *   default; otherwise it is empty, or words (`(none: …)`, `on when a cert is set`), not checked.
 */

const root = resolve(__dirname, '../..');

interface Row {
  names: string[];
  defaultCell: string;
  line: number;
}

/** Splits a table line on `|`, except `\|` and inside backticks. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let code = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '`') {
      code = !code;
      cell += c;
    } else if (c === '|' && !code) {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out.slice(1, -1);
}

function configurationTable(markdown: string, file: string): Row[] {
  const lines = markdown.split('\n');
  const section = lines.findIndex((l) => /^## Configuration\s*$/.test(l));
  if (section < 0) throw new Error(`${file}: no '## Configuration' section`);
  const header = lines.findIndex(
    (l, i) => i > section && /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|\s*$/i.test(l),
  );
  if (header < 0)
    throw new Error(`${file}: no '| variable | default | meaning |' table under '## Configuration'`);
  const rows: Row[] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const [names = '', defaultCell = ''] = cells(lines[i]!);
    rows.push({
      names: [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!),
      defaultCell,
      line: i + 1,
    });
  }
  return rows;
}

const shape = envSchema.shape as Record<
  string,
  { safeParse(value: unknown): { success: boolean; data?: unknown } }
>;

/** What the schema makes of an unset variable: its default, or undefined. */
function schemaDefault(name: string): unknown {
  const parsed = shape[name]!.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

/** Every file of src/ but the configuration itself, for the variables the code reads elsewhere. */
function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith(join('config', 'config.ts')))
        texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'src'));
  return texts.join('\n');
}

/** Variables of the environment that are the system's, not glpi-bridge settings. */
const SYSTEM_VARIABLES = new Set(['XDG_CACHE_HOME', 'NODE_EXTRA_CA_CERTS']);

const documents = ['README.md'];

describe.each(documents)('the configuration table of %s', (file) => {
  const rows = configurationTable(readFileSync(join(root, file), 'utf8'), file);
  const documented = new Map(rows.flatMap((row) => row.names.map((name) => [name, row] as const)));

  it('lists every variable of the configuration schema', () => {
    const missing = Object.keys(shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('lists only variables the code reads', () => {
    const src = sourceText();
    const unknown = [...documented.keys()].filter((name) => !(name in shape) && !src.includes(name));
    expect(unknown).toEqual([]);
    const readElsewhere = [...src.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!);
    const undocumented = [...new Set(readElsewhere)].filter(
      (name) => !(name in shape) && !documented.has(name) && !SYSTEM_VARIABLES.has(name),
    );
    expect(undocumented).toEqual([]);
  });

  it("gives each variable the schema's default", () => {
    const wrong: string[] = [];
    for (const name of Object.keys(shape)) {
      const row = documented.get(name);
      if (!row) continue;
      const expected = schemaDefault(name);
      const literal = /^`([^`]*)`/.exec(row.defaultCell)?.[1]?.replace(/\\n/g, '\n');
      // No default in the schema: the cell may describe what happens (not checked).
      if (expected === undefined) continue;
      if (literal === undefined) {
        wrong.push(`${name} (line ${row.line}): the default ${JSON.stringify(expected)} is not documented`);
        continue;
      }
      const parsed = shape[name]!.safeParse(literal);
      if (!parsed.success || !isDeepStrictEqual(parsed.data, expected))
        wrong.push(
          `${name} (line ${row.line}): documents \`${literal}\`, the schema's default is ${JSON.stringify(expected)}`,
        );
    }
    expect(wrong).toEqual([]);
  });
});

describe('the configuration table reader', () => {
  it('reads names, several per row, and defaults with escaped pipes', () => {
    const rows = configurationTable(
      [
        '## Configuration',
        '',
        '| variable | default | meaning |',
        '| --- | --- | --- |',
        '| `A_B` | `x \\| y` | one |',
        '| `C`, `D` |  | two |',
        '',
      ].join('\n'),
      'sample',
    );
    expect(rows).toEqual([
      { names: ['A_B'], defaultCell: '`x | y`', line: 5 },
      { names: ['C', 'D'], defaultCell: '', line: 6 },
    ]);
  });
});
