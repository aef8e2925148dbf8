import { connect as tcpConnect } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config, TemporalSettings } from '../config/config';
import { loadConfig } from '../config/config';
import { connectClient } from '../temporal/connection';
import { CliError } from './cli-error';

/** The fix printed with every "cannot reach Temporal". */
export const TEMPORAL_FIX =
  'check TEMPORAL_ADDRESS (and TEMPORAL_TLS_* / TEMPORAL_API_KEY for a secured server), or start a local one with `glpi-bridge dev`';

/** Why a TCP connection to `address` fails, in a few seconds at most; undefined when it connects. */
export async function tcpProblem(address: string, timeoutMs = 3000): Promise<string | undefined> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

export function temporalUnreachable(settings: TemporalSettings, cause: string): CliError {
  return new CliError(`cannot reach Temporal at ${settings.address} (${cause}); ${TEMPORAL_FIX}`);
}

/**
 * A client of the configured Temporal. A server that is down is reported in milliseconds (a TCP probe
 * first, where gRPC would wait out its 10 s deadline), and always with the address that was tried.
 */
export async function connectTemporal(settings: TemporalSettings): Promise<Client> {
  const problem = await tcpProblem(settings.address);
  if (problem) throw temporalUnreachable(settings, problem);
  try {
    return await connectClient(settings);
  } catch (err) {
    throw temporalUnreachable(settings, (err as Error).message);
  }
}

/** Runs `fn` with a client of the configured Temporal, and closes the connection afterwards. */
export async function withTemporal<T>(fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const client = await connectTemporal(config.temporal);
  try {
    return await fn(client, config);
  } finally {
    await client.connection.close().catch(() => undefined);
  }
}
