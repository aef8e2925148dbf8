import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { testTemporal, uniqueId } from '../support/temporal';
import { alerts, eventually, glpiRows, ownQueue, startTicketWorker, type Env } from './support';

/** What we sent, from what GLPI stored (9.x `&lt; &gt;`, 10.0 `&#60; &#62; &#38;`, 11 raw). */
const decoded = (value: unknown) =>
  String(value ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(60|62|38);/g, (_m, n: string) => String.fromCharCode(Number(n)));

describe.each(PROFILE_NAMES.map((p) => [p]))(
  'ticket content and actors on GLPI %s',
  (profile: ProfileName) => {
    const html = profile === '10.0' || profile === '11.0';
    let base: Env;
    let env: Env;
    let stop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      base = await testTemporal();
    });
    beforeEach(() => {
      env = ownQueue(base);
    });
    afterEach(async () => {
      await stop?.();
      stop = undefined;
    });
    afterAll(() => base.close());

    it('opens tickets with no technician and no requester by default, on every version (status New)', async () => {
      const emulator = new GlpiEmulator({ profile });
      emulator.db.insert('Computer', { name: 'srv-alert', entities_id: 0 });
      ({ stop } = await startTicketWorker(env, emulator));
      const a = alerts(env, uniqueId('actors'));
      await a.fire('k');
      const { ticketId } = await a.until('k', (s) => s.phase === 'open');
      const { users, groups } = glpiRows(emulator).actors(ticketId!);
      expect(users).toEqual([]);
      expect(groups).toEqual([]);
      expect(emulator.db.get('Ticket', ticketId!)!.status).toBe(1);
    });

    it('sets the configured requester (a user) and assignee (a group), and nobody else', async () => {
      const emulator = new GlpiEmulator({ profile });
      const jane = emulator.db.insert('User', { name: 'jane.doe', is_active: 1 });
      const parent = emulator.db.insert('Group', {
        name: 'Support',
        completename: 'Support',
        entities_id: 0,
      });
      const level1 = emulator.db.insert('Group', {
        name: 'Level 1',
        completename: 'Support > Level 1',
        groups_id: parent.id,
        entities_id: 0,
      });
      ({ stop } = await startTicketWorker(env, emulator, {
        requester: { kind: 'user', name: 'jane.doe' },
        assignee: { kind: 'group', name: 'Support > Level 1' },
      }));
      const a = alerts(env, uniqueId('actors'));
      await a.fire('k');
      const { ticketId, warnings } = await a.until('k', (s) => s.phase === 'open');
      const { users, groups } = glpiRows(emulator).actors(ticketId!);
      expect(users.map((u) => [u.users_id, u.type])).toEqual([[jane.id, 1]]);
      expect(groups.map((g) => [g.groups_id, g.type])).toEqual([[level1.id, 2]]);
      expect(emulator.db.get('Ticket', ticketId!)!.status).toBe(2);
      expect(warnings).toEqual([]);
    });

    it("opens the ticket at the alert's start time, in the GLPI server's timezone and GLPI's date format", async () => {
      // A GLPI server two hours east of UTC: it writes and reads dates in its local time.
      const emulator = new GlpiEmulator({ profile, utcOffsetMinutes: 120 });
      ({ stop } = await startTicketWorker(env, emulator));
      const a = alerts(env, uniqueId('date'));
      const startsAt = new Date(Date.now() - 3 * 60_000);
      startsAt.setUTCMilliseconds(0);
      await a.fire('k', { time: startsAt.toISOString() });
      const { ticketId } = await a.until('k', (s) => s.phase === 'open');
      const local = new Date(startsAt.getTime() + 120 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      expect(emulator.db.get('Ticket', ticketId!)!.date).toBe(local);
      // An alert time ahead of the clocks (a monitoring clock running fast) is not a date in the future.
      await a.fire('future', { time: new Date(Date.now() + 3_600_000).toISOString() });
      const future = await a.until('future', (s) => s.phase === 'open');
      const date = String(emulator.db.get('Ticket', future.ticketId!)!.date);
      expect(Date.parse(`${date.replace(' ', 'T')}Z`) - 120 * 60_000).toBeLessThanOrEqual(Date.now());
    });

    it(`reads like a colleague wrote it: [CRITICAL] title, no repeated text, links ${html ? 'clickable' : 'as plain URLs'}, the marker ${profile === '11.0' ? 'in externalid' : html ? 'small' : 'on the last line'}`, async () => {
      const emulator = new GlpiEmulator({ profile });
      emulator.db.insert('Computer', { name: 'db-1', entities_id: 0 });
      ({ stop } = await startTicketWorker(env, emulator));
      const a = alerts(env, uniqueId('text'));
      // A Zabbix-like alert: no service, the problem name is the summary.
      await a.fire('z', {
        host: { name: 'db-1' },
        service: undefined,
        summary: 'Zabbix agent unreachable',
        details: 'last seen 5 min ago',
        links: ['https://grafana.example.com/d/db?var-host=db-1&from=now-1h'],
      });
      const { ticketId } = await a.until('z', (s) => s.phase === 'open');
      const ticket = emulator.db.get('Ticket', ticketId!)!;
      expect(ticket.name).toBe('[CRITICAL] db-1: Zabbix agent unreachable');
      const content = decoded(ticket.content);
      expect(content.match(/Zabbix agent unreachable/g)).toHaveLength(1);
      expect(content).not.toContain('Service:');
      expect(content).toContain('last seen 5 min ago');
      const url = 'https://grafana.example.com/d/db?var-host=db-1&from=now-1h';
      if (html) expect(content).toContain(`<a href="${url.replace('&', '&amp;')}"`);
      else {
        // 9.1 stores `&` as `&amp;` (and shows it as `&`).
        expect(content.replace(/&amp;/g, '&')).toContain(url);
        expect(content).not.toContain('<a ');
        expect(content).not.toContain('<p>');
      }
      const state = await a.state('z');
      expect(state.warnings).toEqual([]);
      if (profile === '11.0') {
        expect(String(ticket.externalid)).toMatch(/^\[glpi-bridge:alert:[0-9a-f]{16}:.+\]$/);
        expect(content).not.toContain('[glpi-bridge:');
      } else if (html) {
        expect(content).toMatch(/<p><small>\[glpi-bridge:alert:[^\]]+\]<\/small><\/p>$/);
      } else {
        expect(content).toMatch(/\n\n\[glpi-bridge:alert:[^\]]+\]$/);
      }

      // A Nagios-like acknowledgement: the same problem, a comment: the follow-up is the comment alone.
      await a.fire('z', {
        host: { name: 'db-1' },
        service: undefined,
        summary: 'Zabbix agent unreachable',
        details: 'last seen 5 min ago',
        links: ['https://grafana.example.com/d/db?var-host=db-1&from=now-1h'],
        note: 'Acknowledged by jane: rebooting the VM',
      });
      const [ack] = await eventually(
        () => glpiRows(emulator).followups(ticketId!),
        (f) => f.length === 1,
      );
      const ackText = decoded(ack!.content);
      expect(ackText).toContain('Acknowledged by jane: rebooting the VM');
      expect(ackText).not.toContain('Zabbix agent unreachable');
      expect(ackText).not.toContain('last seen');
      expect(ack!.requesttypes_id).toBe(ticket.requesttypes_id);
    });
  },
);
