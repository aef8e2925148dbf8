import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../support/ports';
import { startCli, stopCli } from './spawn-cli';

const LINKS_DIE =
  "The demo's Temporal ran in memory and has stopped: the Web UI links above no longer work. To browse them, run it again with --keep-running (`npm start -- --keep-running`, or `glpi-bridge demo --keep-running`).";

/** The quick start's demo: its own throwaway state, its workflows ended at exit, and honest about its links. */
describe('glpi-bridge demo', () => {
  it('runs on throwaway state (DATA_DIR untouched), ends its workflows, and says its links die with it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'glpi-bridge-data-'));
    const demo = startCli(['demo', '--port', String(await freePort())], { DATA_DIR: dataDir });
    const status = await demo.exited;
    const out = demo.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    const stderr = demo.lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
    // Progress bars only: no error, no warning log.
    expect({ status, stderr: stderr.filter((l) => !/^\[[#.]+\] \d+\/\d+ /.test(l)) }).toEqual({
      status: 0,
      stderr: [],
    });
    expect(out).toContain(
      'Starting a local Temporal dev server (in memory, for this demo only) and a worker...',
    );
    expect(
      out.filter((l) => /^Ended ticket\/demo\/demo-\d+ \(still running when the demo ended\)$/.test(l)),
    ).toHaveLength(1);
    expect(out.at(-1)).toBe(LINKS_DIE);
    // Nothing of the demo in DATA_DIR, which `dev` persists to.
    expect(readdirSync(dataDir)).toEqual([]);
  }, 240_000);

  it('--keep-running keeps Temporal and its links up until Ctrl-C, then ends the workflows', async () => {
    const port = await freePort();
    const demo = startCli(['demo', '--port', String(port), '--keep-running'], {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glpi-bridge-data-')),
    });
    try {
      const still = await demo.waitFor(/^Still running: the Web UI \(http:\/\/\S+\)/, 200_000);
      const ui = /\((http:\/\/\S+)\)/.exec(still.text)![1]!;
      expect((await fetch(ui)).status).toBe(200);
      const ticket = /(ticket\/demo\/demo-\d+)/.exec(demo.output())![1]!;
      const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
      try {
        const client = new Client({ connection, namespace: 'default' });
        expect((await client.workflow.getHandle(ticket).describe()).status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
      expect(await stopCli(demo, 'SIGINT')).toBe(0);
      expect(demo.output()).toContain(`Ended ${ticket} (still running when the demo ended)`);
      expect(demo.output()).not.toContain(LINKS_DIE);
      await expect(fetch(ui)).rejects.toThrow();
    } finally {
      await stopCli(demo, 'SIGKILL');
    }
  }, 240_000);
});
