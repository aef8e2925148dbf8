import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from '../config/config';

type TlsOptions = {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
};

/** TLS/mTLS options for Temporal Cloud and secured clusters, read from the configured PEM files. */
export async function temporalTls(settings: TemporalSettings): Promise<TlsOptions | undefined> {
  const tls = settings.tls;
  if (!tls) return undefined;
  const options: TlsOptions = { serverNameOverride: tls.serverName };
  if (tls.caFile) options.serverRootCACertificate = await readFile(tls.caFile);
  if (tls.certFile && tls.keyFile) {
    options.clientCertPair = { crt: await readFile(tls.certFile), key: await readFile(tls.keyFile) };
  }
  return options;
}

/** A client connection, for starting workflows, schedules and queries. */
export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: await temporalTls(settings),
    apiKey: settings.apiKey,
    connectTimeout: '10s',
  });
  return new Client({ connection, namespace: settings.namespace });
}

/** The native connection a worker polls on. */
export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: settings.address,
    tls: await temporalTls(settings),
    apiKey: settings.apiKey,
  });
}
