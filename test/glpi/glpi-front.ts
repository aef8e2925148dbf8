import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate made at test time, as PEM files in a temporary directory. */
export interface TestCertificate {
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1`: a certificate that is its own CA.
 * `altNames` adds `subjectAltName=DNS:localhost,IP:127.0.0.1`, without which a client that connects to
 * 127.0.0.1 finds the host name not in the certificate (Node reads no CN when it checks an IP address).
 */
export function selfSignedCertificate(options: { altNames?: boolean } = {}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'];
  if (options.altNames) args.push('-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  args.push('-keyout', keyFile, '-out', certFile);
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `these tests make a certificate with openssl, which failed or is missing: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}

export interface Front {
  /** The same API root as the target's, through the front (`https://127.0.0.1:<port>/apirest.php`). */
  url: string;
  /** Requests received so far. */
  requests: number;
  close(): Promise<void>;
}

/**
 * A web server in front of GLPI (the emulator), as a reverse proxy is: it forwards every request to
 * `target` (an API root such as `emulator.url`), over TLS when given a certificate, and each answer
 * `delayMs` late when asked (a slow GLPI).
 */
export async function frontOf(
  target: string,
  options: { tls?: TestCertificate; delayMs?: number } = {},
): Promise<Front> {
  const upstream = new URL(target);
  const timers = new Set<NodeJS.Timeout>();
  const front: Front = { url: '', requests: 0, close: async () => undefined };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    front.requests += 1;
    const go = () => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (!options.delayMs) return go();
    req.pause();
    const timer = setTimeout(() => {
      timers.delete(timer);
      req.resume();
      go();
    }, options.delayMs);
    timers.add(timer);
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, forward)
    : createHttpServer(forward);
  // A client's failed TLS handshake is no error of the front.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  front.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${upstream.pathname}`;
  front.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return front;
}
