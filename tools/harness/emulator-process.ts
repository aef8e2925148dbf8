/**
 * The GLPI emulator in a process of its own, so that its CPU is neither the worker's nor the load
 * generator's. Started by `EmulatorProcess.start()` (emulator.ts); hosts any number of named emulators and
 * answers a small JSON control API on 127.0.0.1 (its port is the first line it prints):
 *
 *   POST /create        {name, options, port?}        → {url, appToken, userToken}
 *   POST /stop          {name}
 *   POST /faults        {name, faults}                replaces the random fault settings (latency included)
 *   POST /counters      {name, reset?}                → {total, writes, byRoute, injected}
 *   POST /rows          {name, itemtype}              → rows
 *   POST /insert        {name, itemtype, rows}        → ids
 *   POST /watch         {name, itemtype}              records when each new row of that itemtype is made
 *   POST /created       {name, itemtype}              → [{id, at}] (at: epoch ms, sub-millisecond)
 *   POST /session-tokens {name}                       → every session token issued
 *   POST /outage-start  {name}                        → {at}: connections refused from then (epoch ms)
 *   POST /outage-end    {name}                        → {at}: accepted again, same port, from then
 *   POST /outages       {name}                        → [{start, end?}] (epoch ms)
 *   POST /exit
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlpiEmulator, type GlpiEmulatorOptions } from '../../src/emulator/glpi-emulator';
import type { FaultOptions } from '../../src/emulator/faults';
import type { Row } from '../../src/emulator/itemtypes';

const emulators = new Map<string, GlpiEmulator>();
const watches = new Map<string, Map<string, { id: number; at: number }[]>>();
const now = () => performance.timeOrigin + performance.now();

function get(name: unknown): GlpiEmulator {
  const emulator = emulators.get(String(name));
  if (!emulator) throw new Error(`no emulator named ${String(name)}`);
  return emulator;
}

/** Notes the creation time of each new row of `itemtype`: hooks the database's add, else polls the table. */
function watch(name: string, itemtype: string): void {
  const emulator = get(name);
  const byType = watches.get(name) ?? new Map<string, { id: number; at: number }[]>();
  watches.set(name, byType);
  if (byType.has(itemtype)) return;
  const seen: { id: number; at: number }[] = [];
  byType.set(itemtype, seen);
  const known = new Set(emulator.rows(itemtype).map((r) => Number(r.id)));
  const db = emulator.db as unknown as { add?: (type: string, ...rest: unknown[]) => Row };
  if (typeof db.add === 'function') {
    const add = db.add.bind(emulator.db);
    db.add = (type: string, ...rest: unknown[]) => {
      const row = add(type, ...rest);
      if (type === itemtype && !known.has(Number(row.id))) {
        known.add(Number(row.id));
        seen.push({ id: Number(row.id), at: now() });
      }
      return row;
    };
  }
  // Also polled, in case rows are made another way than through `add`.
  setInterval(() => {
    for (const row of emulator.rows(itemtype)) {
      if (!known.has(Number(row.id))) {
        known.add(Number(row.id));
        seen.push({ id: Number(row.id), at: now() });
      }
    }
  }, 50).unref();
}

type Body = Record<string, unknown>;

const ops: Record<string, (body: Body) => unknown> = {
  create: async (body) => {
    const name = String(body.name);
    if (emulators.has(name)) throw new Error(`emulator ${name} exists`);
    const emulator = new GlpiEmulator(body.options as GlpiEmulatorOptions);
    await emulator.start(Number(body.port ?? 0));
    emulators.set(name, emulator);
    return { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken };
  },
  stop: async (body) => {
    await get(body.name).stop();
    emulators.delete(String(body.name));
    return {};
  },
  faults: (body) => {
    get(body.name).faults.configure(body.faults as FaultOptions);
    return {};
  },
  counters: (body) => {
    const emulator = get(body.name);
    const counters = {
      total: emulator.counters.total,
      writes: emulator.counters.writes,
      byRoute: { ...emulator.counters.byRoute },
      injected: { ...emulator.faults.injected },
    };
    if (body.reset) emulator.resetCounters();
    return counters;
  },
  rows: (body) => get(body.name).rows(String(body.itemtype)),
  insert: (body) =>
    (body.rows as Partial<Row>[]).map((values) => get(body.name).db.insert(String(body.itemtype), values).id),
  watch: (body) => {
    watch(String(body.name), String(body.itemtype));
    return {};
  },
  created: (body) => watches.get(String(body.name))?.get(String(body.itemtype)) ?? [],
  'session-tokens': (body) => [...get(body.name).issuedSessionTokens],
  'outage-start': async (body) => ({ at: await get(body.name).refuseConnections() }),
  'outage-end': async (body) => ({ at: await get(body.name).acceptConnections() }),
  outages: (body) => get(body.name).outages,
  exit: () => {
    setImmediate(() => process.exit(0));
    return {};
  },
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const op = ops[(req.url ?? '/').slice(1)];
    if (!op) throw new Error(`no operation ${req.url}`);
    const result = await op(text ? (JSON.parse(text) as Body) : {});
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result ?? {}));
  } catch (err) {
    res
      .writeHead(500, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
  }
}

const control = createServer((req, res) => void handle(req, res));
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ control: (control.address() as AddressInfo).port })}\n`);
});
// The parent's end is this process's end.
process.on('disconnect', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
