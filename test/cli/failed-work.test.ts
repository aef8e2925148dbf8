import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { runCli } from '../support/cli';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';

/**
 * Failed work looks failed: a sync where a host fails ends Failed with its outcome in search attributes,
 * and every CLI view of it (sync --wait, sync status, sync list) names each failed host's real cause and
 * the computer already in GLPI. Real CLI, real Temporal dev server, GLPI emulator.
 */
describe('failed work looks failed', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let cliEnv: Record<string, string>;
  let emulator: GlpiEmulator;
  let stop: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-failed-'));
  const source = uniqueId('vis');
  const file = join(dir, 'inventory.json');
  const h1 = { id: 'h1', label: `${source}-srv-01`, importDate: '2026-11-27' };
  // A contract that does not exist: the computer is created, then the contract step fails.
  const h2 = {
    id: 'h2',
    label: `${source}-srv-02`,
    importDate: '2026-11-27',
    contract: { glpiContractId: 999 },
  };
  const ui = 'http://ui.example';
  const link = (workflowId: string) => `${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
  const cause =
    "contract 999 selected for host 'h2' does not exist in GLPI or is not visible from the sub-entity: check the id, or make the contract visible there (recursive from a parent entity)";

  beforeAll(async () => {
    env = await testTemporal();
    cliEnv = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      TEMPORAL_UI_URL: ui,
    };
    emulator = new GlpiEmulator();
    ({ stop } = await startWorkerOn(env, emulator));
    writeFileSync(file, JSON.stringify({ source, items: [h1, h2] }));
  });
  afterAll(async () => {
    await stop();
    await env.close();
  });

  const computerOf = (name: string) => emulator.db.all('Computer').find((c) => c.name === name)?.id;

  let failedRun: string;

  it('sync --wait prints the failed host with its real cause and its computer, and exits 1', async () => {
    const result = await runCli(['sync', '--file', file, '--wait'], cliEnv);
    failedRun = /^Started (\S+)$/m.exec(result.stdout)![1]!;
    const computer = computerOf(h2.label);
    expect(computer).toEqual(expect.any(Number));
    expect(result.stdout).toContain(
      `failed h2 (${h2.label}): ${cause}; computer ${computer} is in GLPI (created or found before the step that failed); retry or inspect it: ${link(`inventory-item/${source}/h2`)}\n`,
    );
    expect(result.stdout).toMatch(
      new RegExp(`^h2 +${h2.label} +failed +${computer} +contract 999 selected`, 'm'),
    );
    expect(result.stdout).toContain(
      '2 items: 1 created, 0 updated, 0 unchanged, 1 failed, 0 rejected rows, 0 missing',
    );
    expect(result.stdout).not.toContain('Activity task failed');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(1);
  });

  it('the run ends Failed, with outcome partial and the failed count as search attributes, found by the saved views', async () => {
    const description = await env.client.workflow.getHandle(failedRun).describe();
    expect(description.status.name).toBe('FAILED');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.outcome)).toBe('partial');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.failedItems)).toBe(1);
    // The saved views of the README.
    for (const query of [
      "WorkflowType = 'syncInventory' AND ExecutionStatus = 'Failed'",
      "WorkflowType = 'syncInventory' AND GlpiBridgeOutcome = 'partial'",
    ]) {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({
        query: `${query} AND GlpiBridgeInventorySource = '${source}'`,
      }))
        ids.push(w.workflowId);
      expect({ query, ids }).toEqual({ query, ids: [failedRun] });
    }
    const hosts: string[] = [];
    for await (const w of env.client.workflow.list({
      query: `WorkflowType = 'syncInventoryItem' AND ExecutionStatus = 'Failed' AND GlpiBridgeInventorySource = '${source}'`,
    }))
      hosts.push(w.workflowId);
    expect(hosts).toEqual([`inventory-item/${source}/h2`]);
  });

  it('sync status attaches to the finished run: outcome, table, failed host with its cause; exit 1', async () => {
    const result = await runCli(['sync', 'status', failedRun], cliEnv);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Sync ${failedRun.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: partial \\(failed\\), started \\S+, closed \\S+\n${link(failedRun).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n`,
      ),
    );
    expect(result.stdout).toContain(
      `failed h2 (${h2.label}): ${cause}; computer ${computerOf(h2.label)} is in GLPI`,
    );
    expect(result.stdout).toContain(
      '2 items: 1 created, 0 updated, 0 unchanged, 1 failed, 0 rejected rows, 0 missing',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
  });

  it('sync list shows recent syncs with their outcome, newest first', async () => {
    writeFileSync(join(dir, 'clean.json'), JSON.stringify({ source, items: [h1] }));
    const clean = await runCli(['sync', '--file', join(dir, 'clean.json'), '--wait'], cliEnv);
    expect(clean.status).toBe(0);
    const cleanRun = /^Started (\S+)$/m.exec(clean.stdout)![1]!;
    const status = await runCli(['sync', 'status', cleanRun], cliEnv);
    expect(status.stdout).toMatch(/^Sync \S+: succeeded \(completed\), started /);
    expect(status.status).toBe(0);

    const list = await runCli(['sync', 'list', '--source', source], cliEnv);
    expect(list.status).toBe(0);
    const rows = list.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^workflow id +started +outcome +failed +took$/);
    expect(
      rows.slice(2).map((r) => r.split(/ {2,}/).slice(0, 1).concat(r.split(/ {2,}/).slice(2, 4))),
    ).toEqual([
      [cleanRun, 'succeeded', '0'],
      [failedRun, 'partial', '1'],
    ]);
    const partial = await runCli(['sync', 'list', '--source', source, '--outcome', 'partial'], cliEnv);
    expect(partial.stdout).toContain(failedRun);
    expect(partial.stdout).not.toContain(cleanRun);
  });

  it('a schedule goes on after a run that ended Failed', async () => {
    const id = uniqueId('sched');
    expect((await runCli(['schedule', 'create', id, '--file', file, '--every', '1h'], cliEnv)).status).toBe(
      0,
    );
    const handle = env.client.schedule.getHandle(id);
    try {
      const runs = async () => (await handle.describe()).info.recentActions;
      expect((await runCli(['schedule', 'trigger', id], cliEnv)).status).toBe(0);
      const deadline = Date.now() + 60_000;
      while ((await runs()).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const first = (await runs())[0]!.action.workflow.workflowId;
      await expect(env.client.workflow.getHandle(first).result()).rejects.toThrow();
      expect((await env.client.workflow.getHandle(first).describe()).status.name).toBe('FAILED');
      expect((await runCli(['schedule', 'trigger', id], cliEnv)).status).toBe(0);
      while ((await runs()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await runs()).toHaveLength(2);
      expect((await handle.describe()).state.paused).toBe(false);
    } finally {
      await handle.delete();
    }
  });
});
