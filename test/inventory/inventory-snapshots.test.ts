import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InventoryChangedError,
  InventorySnapshots,
} from '../../src/activities/inventory/inventory-snapshots';

const dir = mkdtempSync(join(tmpdir(), 'snapshots-'));
const inventory = (labels: string[]) =>
  JSON.stringify({
    source: 'mon',
    items: labels.map((label, i) => ({ id: `h${i}`, label, importDate: '2026-11-27' })),
  });

describe("a sync run's inventory snapshot", () => {
  it('is read once and served to every later step, even when the file changes', async () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, inventory(['one', 'two']));
    const worker = new InventorySnapshots(join(dir, 'store-a'));
    const { ref, inventory: first } = await worker.prepare(file, 'a');
    writeFileSync(file, inventory(['changed']));
    expect((await worker.load(ref)).items.map((i) => i.label)).toEqual(['one', 'two']);
    // A restarted worker with the same data folder still has the first version.
    const restarted = new InventorySnapshots(join(dir, 'store-a'));
    expect(await restarted.load(ref)).toEqual(first);
  });

  it('is read again on a worker without a copy, and a change underneath is reported, not mixed in', async () => {
    const file = join(dir, 'b.json');
    writeFileSync(file, inventory(['one']));
    const { ref } = await new InventorySnapshots().prepare(file, 'b');
    const other = new InventorySnapshots();
    expect((await other.load(ref)).items).toHaveLength(1);
    writeFileSync(file, inventory(['one', 'two']));
    const failure = await new InventorySnapshots().load(ref).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InventoryChangedError);
    expect((failure as InventoryChangedError).retryable).toBe(false);
    expect((failure as Error).message).toMatch(/changed while this sync was running.*start the sync again/);
  });
});
