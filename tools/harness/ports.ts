import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be listened on, on 127.0.0.1, right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range (`ip_local_port_range`), for a server that closes its
 * listening socket and opens it again (a GLPI outage): no outgoing connection is given that port as its
 * local port meanwhile, so it is still free when the server comes back, and a client connecting to it while
 * it is closed is refused rather than connected to itself.
 */
export async function freeStablePort(): Promise<number> {
  let low = 32768;
  try {
    low =
      Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the usual range
  }
  const from = Math.max(1024, Math.min(20_000, low - 2_000));
  const span = Math.max(1, low - from);
  for (let i = 0; i < 200; i++) {
    const port = from + Math.floor(Math.random() * span);
    if (await canListen(port)) return port;
  }
  return freePort();
}
