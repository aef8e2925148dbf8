import { randomUUID } from 'node:crypto';
import { GlpiClient } from '../glpi/glpi-client';

/**
 * GLPI sessions live in the worker, never in workflow histories: a workflow holds only an opaque handle.
 * A handle this worker does not know (another worker opened it, or this one restarted) gets a fresh
 * session on first use, so a retried or rescheduled activity still works.
 */
export class GlpiSessions {
  private readonly clients = new Map<string, GlpiClient>();

  constructor(private readonly createClient: () => GlpiClient) {}

  /** Opens a session now (so that bad credentials fail the workflow at once) and returns its handle. */
  async open(): Promise<string> {
    const handle = randomUUID();
    const client = this.createClient();
    await client.initSession();
    this.clients.set(handle, client);
    return handle;
  }

  /** The client of a handle, with `entityId` active (recursively) when given. */
  async client(handle: string, entityId?: number): Promise<GlpiClient> {
    let client = this.clients.get(handle);
    if (!client) {
      client = this.createClient();
      this.clients.set(handle, client);
    }
    if (entityId !== undefined && client.activeEntityId !== entityId)
      await client.changeActiveEntities(entityId, true);
    return client;
  }

  async kill(handle: string): Promise<void> {
    const client = this.clients.get(handle);
    this.clients.delete(handle);
    await client?.killSession();
  }

  /** Ends every session this worker holds (worker shutdown). */
  async killAll(): Promise<void> {
    await Promise.allSettled([...this.clients.keys()].map((h) => this.kill(h)));
  }

  get size(): number {
    return this.clients.size;
  }
}
