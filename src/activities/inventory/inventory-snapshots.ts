import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  inventoryDigest,
  parseInventory,
  readInventorySource,
  type Inventory,
} from '../../inventory/read-inventory';

/** Names the inventory a sync run works on: where it was read, and the digest of what was read. */
export interface InventoryRef {
  location: string;
  /** sha256 of the text read at the start of the run. */
  digest: string;
  /** The source a CSV gets when it names none (the file name). */
  defaultSource: string;
}

/** The inventory changed at its location while a sync of it was running. */
export class InventoryChangedError extends Error {
  override readonly name = 'InventoryChangedError';
  readonly retryable = false;
}

const KEEP_DAYS = 7;

/**
 * The inventory of a sync run is read once, at its start, and every later step of the run (each chunk,
 * after a continue-as-new, on another worker or after a restart) works on that same snapshot: kept in
 * memory, and on disk under DATA_DIR when one is given. A worker that has neither reads the location again
 * and checks it is still the same text; a file or URL that changed underneath is reported, not mixed in.
 */
export class InventorySnapshots {
  private readonly memory = new Map<string, Promise<Inventory>>();

  constructor(private readonly dir?: string) {}

  /** Reads an inventory for a new run: its snapshot, and the reference later steps use. */
  async prepare(
    location: string,
    defaultSource: string,
  ): Promise<{ ref: InventoryRef; inventory: Inventory }> {
    const text = await readInventorySource(location);
    const digest = inventoryDigest(text);
    const inventory = parseInventory(text, location, defaultSource);
    this.remember(digest, Promise.resolve(inventory));
    await this.save(digest, inventory);
    return { ref: { location, digest, defaultSource }, inventory };
  }

  /** The snapshot a run started with. */
  async load(ref: InventoryRef): Promise<Inventory> {
    const known = this.memory.get(ref.digest);
    if (known) return known;
    const loading = this.fromDisk(ref.digest).then(async (saved) => saved ?? this.reread(ref));
    this.remember(ref.digest, loading);
    loading.catch(() => this.memory.delete(ref.digest));
    return loading;
  }

  private async reread(ref: InventoryRef): Promise<Inventory> {
    const text = await readInventorySource(ref.location);
    const digest = inventoryDigest(text);
    if (digest !== ref.digest) {
      throw new InventoryChangedError(
        `the inventory at ${ref.location} changed while this sync was running (read at the start: sha256 ${ref.digest.slice(0, 12)}…, now ${digest.slice(0, 12)}…), and this worker has no copy of the first version: the items already synced are kept; start the sync again to sync the new version`,
      );
    }
    const inventory = parseInventory(text, ref.location, ref.defaultSource);
    await this.save(digest, inventory);
    return inventory;
  }

  private remember(digest: string, inventory: Promise<Inventory>): void {
    this.memory.delete(digest);
    this.memory.set(digest, inventory);
    // A few runs at once at most; each snapshot can be large.
    while (this.memory.size > 4) this.memory.delete(this.memory.keys().next().value!);
  }

  private async fromDisk(digest: string): Promise<Inventory | undefined> {
    if (!this.dir) return undefined;
    try {
      return JSON.parse(await readFile(join(this.dir, `${digest}.json`), 'utf8')) as Inventory;
    } catch {
      return undefined;
    }
  }

  private async save(digest: string, inventory: Inventory): Promise<void> {
    if (!this.dir) return;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(join(this.dir, `${digest}.json`), JSON.stringify(inventory));
      await this.prune();
    } catch {
      // A read-only disk only costs a re-read (and its check) on another worker.
    }
  }

  private async prune(): Promise<void> {
    const cutoff = Date.now() - KEEP_DAYS * 86_400_000;
    for (const name of await readdir(this.dir!)) {
      const path = join(this.dir!, name);
      if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}
