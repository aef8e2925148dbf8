import { Agent, request } from 'node:http';
import type { InventoryItem } from '../../src/inventory/inventory-schema';

/** What a generated inventory looks like; every host distinct by id, label and serial number. */
export interface InventoryShape {
  /** Host ids are `${idPrefix}${i}`. */
  idPrefix: string;
  /** Labels are `${labelPrefix}${i padded to 5}`. */
  labelPrefix: string;
  serialPrefix: string;
  types?: string[];
  manufacturers?: string[];
  systems?: string[];
  /** End of service per host; by default one of three dates in 2028–2030. */
  endOfService?: (i: number) => string;
}

/** `count` hosts in the shape given, starting at index `from`. */
export function makeHosts(count: number, shape: InventoryShape, from = 0): InventoryItem[] {
  const types = shape.types ?? ['Server', 'Laptop', 'Desktop', 'Appliance'];
  const makers = shape.manufacturers ?? ['Dell Inc.', 'HPE', 'Lenovo', 'Fortinet', 'Cisco'];
  const systems = shape.systems ?? ['Debian GNU/Linux 12', 'Windows Server 2022', 'Ubuntu 24.04', 'RHEL 9'];
  return Array.from({ length: count }, (_v, n) => {
    const i = from + n;
    return {
      id: `${shape.idPrefix}${i}`,
      label: `${shape.labelPrefix}${String(i).padStart(5, '0')}`,
      hardware: {
        type: types[i % types.length],
        manufacturer: makers[i % makers.length],
        serialNumber: `${shape.serialPrefix}${100000 + i}`,
      },
      software: { operatingSystem: systems[i % systems.length], license: `LIC-${shape.idPrefix}${i}` },
      importDate: '2026-11-27',
      serviceContract: { endOfServiceDate: shape.endOfService?.(i) ?? `20${28 + (i % 3)}-06-30` },
    } as InventoryItem;
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes of a machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface AlertStormOptions {
  /** The receiver's base URL (`http://host:port`); alerts go to `POST /alerts`. */
  url: string;
  token: string;
  ratePerSecond: number;
  seconds: number;
  keys: number;
  source: string;
  /** The monitored host of key k. */
  hostName: (k: number) => string;
}

export interface AlertStormResult {
  sent: number;
  non202: number;
  /** When the receiver answered 202 to each key's first alert (epoch ms). */
  firstAccepted: Map<number, number>;
  /** Receiver response times (request sent → 202), sorted. */
  responseMs: number[];
  /** How late the generator sent, at worst, behind its schedule. */
  maxSendLagMs: number;
  seconds: number;
}

/**
 * An alert storm at a steady rate through the HTTP receiver: key after key, in rounds; each key fires, fires
 * again (a repeat), resolves, fires again (a re-fire, which reopens its ticket), and so on.
 */
export async function alertStorm(options: AlertStormOptions): Promise<AlertStormResult> {
  const { ratePerSecond: rate, keys } = options;
  const total = Math.round(rate * options.seconds);
  const firstAccepted = new Map<number, number>();
  const responseMs: number[] = [];
  let non202 = 0;
  let maxSendLagMs = 0;
  const sends: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < total; i++) {
    const k = i % keys;
    const round_ = Math.floor(i / keys);
    const status = round_ % 3 === 2 ? 'resolved' : 'firing';
    const due = startedAt + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else maxSendLagMs = Math.max(maxSendLagMs, -wait);
    const sentAt = performance.now();
    const body = JSON.stringify({
      source: options.source,
      dedupKey: `key-${k}`,
      status,
      severity: 'critical',
      host: { name: options.hostName(k) },
      summary: `problem ${k}`,
    });
    sends.push(
      post(`${options.url}/alerts`, options.token, body).then((code) => {
        if (code !== 202) {
          non202 += 1;
          return;
        }
        responseMs.push(performance.now() - sentAt);
        if (round_ === 0) firstAccepted.set(k, epochMs());
      }),
    );
  }
  await Promise.all(sends);
  return {
    sent: total,
    non202,
    firstAccepted,
    responseMs: responseMs.sort((a, b) => a - b),
    maxSendLagMs,
    seconds: (performance.now() - startedAt) / 1000,
  };
}

/** Keep-alive connections for the load: node:http costs the generator less CPU per request than fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs JSON with a bearer token; resolves with the status code, or 0 when the request failed. */
function post(url: string, token: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
