import { DEFAULT_TICKET_POLICY, type TicketPolicy } from '../../src/alerts/ticket-policy';
import { DEFAULT_WORKER_SETTINGS } from '../../src/config/worker-settings';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { checkTickets } from '../../src/glpi/check-tickets';

describe.each(PROFILE_NAMES.map((p) => [p]))(
  'check: ticket settings against GLPI %s',
  (profile: ProfileName) => {
    let emulator: GlpiEmulator;
    const run = (tickets: Partial<TicketPolicy>, glpiEntity = 'Supervision') =>
      checkTickets(
        { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken },
        { ...DEFAULT_WORKER_SETTINGS, glpiEntity, tickets: { ...DEFAULT_TICKET_POLICY, ...tickets } },
      );
    const byName = (results: { name: string; ok: boolean; detail: string; fix?: string }[], name: string) =>
      results.find((r) => r.name === name)!;

    beforeAll(async () => {
      emulator = new GlpiEmulator({ profile, utcOffsetMinutes: 60 });
      const infra = emulator.db.insert('ITILCategory', { name: 'Infra', completename: 'Infra' });
      emulator.db.insert('ITILCategory', {
        name: 'Servers',
        itilcategories_id: infra.id,
        completename: 'Infra > Servers',
      });
      emulator.db.insert('User', { name: 'monitoring', is_active: 1 });
      emulator.db.insert('Group', { name: 'Level 1', completename: 'Support > Level 1', entities_id: 0 });
      const noc = emulator.db.insert('Entity', {
        name: 'NOC',
        entities_id: 0,
        completename: 'Root entity > NOC',
        level: 2,
      });
      emulator.db.insert('Entity', {
        name: 'Unknown hosts',
        entities_id: noc.id,
        completename: 'Root entity > NOC > Unknown hosts',
        level: 3,
      });
      await emulator.start();
    });
    afterAll(() => emulator.stop());

    it('passes when the category path, the actors and the default entity exist, and prints the policy', async () => {
      const { results, policy } = await run({
        category: 'Infra>Servers',
        requester: { kind: 'user', name: 'monitoring' },
        assignee: { kind: 'group', name: 'Support > Level 1' },
        defaultEntity: 'NOC > Unknown hosts',
      });
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(byName(results, 'ticket category').detail).toMatch(/^'Infra > Servers' exists \(id \d+\)$/);
      expect(byName(results, 'ticket requester').detail).toMatch(/^user 'monitoring' exists/);
      expect(byName(results, 'ticket assignee').detail).toMatch(/^group 'Support > Level 1' exists/);
      expect(byName(results, 'ticket default entity').detail).toContain(
        "'Root entity > NOC > Unknown hosts'",
      );
      expect(byName(results, 'GLPI clock').detail).toContain('UTC+01:00');
      expect(policy).toContain('category: Infra > Servers (TICKET_CATEGORY)');
      expect(policy).toContain('assignee: group:Support > Level 1 (TICKET_ASSIGNEE)');
      expect(policy).toContain('retry interval at most: 15 s (TICKET_RETRY_MAX_INTERVAL_SECONDS)');
      expect(policy.every((line) => /\([A-Z_]+\)$/.test(line))).toBe(true);
    });

    it('fails, with the fix, for a category, actor or entity that does not exist', async () => {
      const { results } = await run({
        category: 'Servers',
        requester: { kind: 'user', name: 'nobody' },
        assignee: { kind: 'group', name: 'Level 1' },
        defaultEntity: 'NOC > Nowhere',
      });
      expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([
        'ticket category',
        'ticket requester',
        'ticket assignee',
        'ticket default entity',
      ]);
      expect(byName(results, 'ticket category').detail).toContain(
        "categories named 'Servers': 'Infra > Servers'",
      );
      expect(byName(results, 'ticket category').fix).toContain('complete name');
    });

    it("accepts the defaults: no category, no actors, the bridge's sub-entity (created at first use)", async () => {
      const { results } = await run({}, 'Monitoring');
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(byName(results, 'ticket default entity').detail).toContain(
        "sub-entity 'Root entity > Monitoring'",
      );
      expect(emulator.rows('Entity').some((e) => e.name === 'Monitoring')).toBe(false);
    });
  },
);
