import { Runtime } from '@temporalio/worker';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { Row } from '../../src/emulator/itemtypes';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { inventoryMarker } from '../../src/glpi/markers';
import { glpiText } from '../../src/glpi/text';
import { testTemporal, uniqueId } from '../support/temporal';
import { alerts, anyone, eventually, glpiRows, ownQueue, startTicketWorker, type Env } from './support';

describe.each(PROFILE_NAMES.map((p) => [p]))(
  'which computer and entity a ticket gets, on GLPI %s',
  (profile: ProfileName) => {
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

    it('tells apart computers that share a name by serial, inventory id (event or label), instance; links every candidate when it cannot, and says so', async () => {
      const emulator = new GlpiEmulator({ profile });
      const source = uniqueId('ids');
      const site = (name: string) =>
        emulator.db.insert('Entity', {
          name,
          entities_id: 0,
          completename: `Root entity > ${name}`,
          level: 2,
        });
      const [paris, lyon] = [site('Paris'), site('Lyon')];
      const pc = (name: string, entity: Row, extra: Partial<Row> = {}) =>
        emulator.db.insert('Computer', { name, entities_id: entity.id, ...extra });
      // Same name, different serials.
      pc('web-1', paris, { serial: 'SN-A' });
      const web1b = pc('web-1', lyon, { serial: 'SN-B' });
      // Same name, one carries the inventory marker of host h-9 (another of h-8).
      pc('web-2', paris, { comment: `managed\n${inventoryMarker(source, 'h-8')}` });
      const web2 = pc('web-2', lyon, { comment: `managed\n${inventoryMarker(source, 'h-9')}` });
      pc('web-3', paris, { comment: inventoryMarker(source, 'h-6') });
      const web3 = pc('web-3', lyon, { comment: inventoryMarker(source, 'h-7') });
      // Same short name; the instance (an FQDN) names one of them.
      pc('web-4', paris);
      const web4fqdn = pc('web-4.lyon.example.com', lyon);
      // Same name, nothing tells them apart.
      const web5 = [pc('web-5', paris), pc('web-5', lyon)];
      ({ stop } = await startTicketWorker(env, emulator));
      // The worker logs each ambiguous host with a running count: the runtime's logger receives it.
      const warn = jest.spyOn(Runtime.instance().logger, 'warn');

      const a = alerts(env, source);
      await a.send([
        a.alert('serial', { host: { name: 'web-1', serial: 'SN-B' } }),
        a.alert('id', { host: { name: 'web-2', id: 'h-9' } }),
        a.alert('label', { host: { name: 'web-3' }, labels: { glpi_host_id: 'h-7' } }),
        a.alert('instance', { host: { name: 'web-4', instance: 'web-4.lyon.example.com:9100' } }),
        a.alert('ambiguous', { host: { name: 'web-5' } }),
      ]);
      const linked = async (key: string) => {
        const s = await a.until(key, (st) => st.phase === 'open');
        return {
          state: s,
          ticket: emulator.db.get('Ticket', s.ticketId!)!,
          links: glpiRows(emulator).links(s.ticketId!),
        };
      };
      for (const [key, computer] of [
        ['serial', web1b],
        ['id', web2],
        ['label', web3],
        ['instance', web4fqdn],
      ] as const) {
        const { state, ticket, links } = await linked(key);
        expect({ key, computers: links.map((l) => l.items_id) }).toEqual({ key, computers: [computer.id] });
        expect({ key, entity: ticket.entities_id }).toEqual({ key, entity: lyon.id });
        expect({ key, warnings: state.warnings }).toEqual({ key, warnings: [] });
      }
      const { state, ticket, links } = await linked('ambiguous');
      expect(links.map((l) => l.items_id).sort()).toEqual(web5.map((c) => c.id).sort());
      expect(state.computerIds.sort()).toEqual(web5.map((c) => c.id).sort());
      expect(state.warnings).toEqual([expect.stringContaining("host 'web-5' matches 2 computers")]);
      expect(String(ticket.content)).toContain('Several computers in GLPI match');
      // Candidates in two entities: the ticket goes to the bridge's sub-entity, not to the root.
      const sub = emulator.rows('Entity').find((e) => e.name === 'Supervision')!;
      expect(ticket.entities_id).toBe(sub.id);

      // A second ambiguous alert: the count in the worker's log goes up by one (and only ambiguous ones count).
      await a.fire('ambiguous-again', { host: { name: 'web-5' } });
      await a.until('ambiguous-again', (st) => st.phase === 'open');
      const logged = warn.mock.calls
        .filter(([message]) => message.startsWith('alert host matches several computers'))
        .map(([, meta]) => meta as Record<string, unknown>);
      warn.mockRestore();
      expect(logged).toHaveLength(2);
      const first = Number(logged[0]!.ambiguousHostsSinceStart);
      expect(first).toBeGreaterThanOrEqual(1);
      expect(logged).toEqual(
        ['ambiguous', 'ambiguous-again'].map((key, i) =>
          expect.objectContaining({
            alertKey: `${source}/${key}`,
            host: 'web-5',
            computerIds: web5.map((c) => c.id),
            ambiguousHostsSinceStart: first + i,
          }),
        ),
      );
    });

    it("puts a ticket whose host matches no computer in the bridge's sub-entity (created when missing), or the configured one; the root only when configured", async () => {
      const emulator = new GlpiEmulator({ profile });
      const noc = emulator.db.insert('Entity', {
        name: 'NOC',
        entities_id: 0,
        completename: 'Root entity > NOC',
        level: 2,
      });
      const unknown = emulator.db.insert('Entity', {
        name: 'Unknown hosts',
        entities_id: noc.id,
        completename: 'Root entity > NOC > Unknown hosts',
        level: 3,
      });
      const open = async (policy: Parameters<typeof startTicketWorker>[2], glpiEntity?: string) => {
        const own = ownQueue(base);
        const worker = await startTicketWorker(own, emulator, policy, glpiEntity);
        try {
          const a = alerts(own, uniqueId('ent'));
          await a.fire('k', { host: { name: 'no-such-host' } });
          const s = await a.until('k', (st) => st.phase === 'open');
          return { state: s, ticket: emulator.db.get('Ticket', s.ticketId!)! };
        } finally {
          await worker.stop();
        }
      };
      const bySub = await open({}, 'Monitoring Paris');
      const sub = emulator.rows('Entity').find((e) => e.name === 'Monitoring Paris')!;
      expect(sub).toMatchObject({ entities_id: 0 });
      expect(bySub.ticket.entities_id).toBe(sub.id);
      expect(glpiRows(emulator).links(bySub.ticket.id)).toEqual([]);

      const byPath = await open({ defaultEntity: 'NOC > Unknown hosts' });
      expect(byPath.ticket.entities_id).toBe(unknown.id);
      expect(byPath.state.warnings).toEqual([]);

      const byRoot = await open({ defaultEntity: 'root' });
      expect(byRoot.ticket.entities_id).toBe(0);

      const missing = await open({ defaultEntity: 'NOC > Nowhere' }, 'Monitoring Paris');
      expect(missing.ticket.entities_id).toBe(sub.id);
      expect(missing.state.warnings).toEqual([
        expect.stringContaining("the entity 'NOC > Nowhere' does not exist"),
      ]);
    });
  },
);

describe.each([['9.1'], ['10.0']] as const)(
  'a host name with quotes, markup, an accent and LIKE wildcards, on GLPI %s',
  (profile: ProfileName) => {
    let base: Env;
    beforeAll(async () => {
      base = await testTemporal();
    });
    afterAll(() => base.close());

    it('opens its ticket exactly once, linked to that computer only, and finds it again', async () => {
      const env = ownQueue(base);
      const emulator = new GlpiEmulator({ profile });
      const glpi = glpiRows(emulator);
      const host = `O'Brien "db" & <x> é_%`;
      // Stored as GLPI stores what people type (encoded per version). Each other computer's name matches the
      // host's under GLPI's LIKE (the bridge's search value has `%` for each special character, and MySQL's
      // collation ignores accents); only the exact comparison tells them apart.
      const computer = (name: string) =>
        emulator.db.add('Computer', { name, entities_id: 0 }, anyone(emulator), 0);
      const right = computer(host);
      for (const name of [
        `O'Brien "db" & <x> e_%`,
        `OXBrien "db" & <x> é_%`,
        `O'Brien "db" & <x> éy%`,
        `O'Brien "db" & <x> é_`,
        `O'Brien "db" & <x> é_%-2`,
      ])
        computer(name);
      const worker = await startTicketWorker(env, emulator);
      try {
        const a = alerts(env, uniqueId('quotes'));
        const key = `${host}!cpu`; // Nagios keys a problem by host and service
        // The answer to the ticket's creation is lost: the retry must find the ticket it created.
        emulator.faults.script({ kind: 'dropAfterCommit', match: /^POST Ticket$/ });
        await a.fire(key, { host: { name: host } });
        const opened = await a.until(key, (s) => s.phase === 'open');
        expect(emulator.faults.injected.dropAfterCommit).toBe(1);
        // The sender delivers it again, then a change: the same ticket, a follow-up.
        await a.fire(key, { host: { name: host } });
        await a.fire(key, { host: { name: host }, summary: 'CPU above 99%' });
        const state = await a.until(key, (s) => s.counts.events === 3);
        await eventually(
          () => glpi.followups(opened.ticketId!),
          (f) => f.length === 1,
        );
        expect(glpi.tickets()).toHaveLength(1);
        const [ticket] = glpi.tickets();
        expect(glpiText(ticket!.name)).toBe(`[CRITICAL] ${host}: CPU above 95%`);
        expect(glpi.links(ticket!.id).map((l) => l.items_id)).toEqual([right.id]);
        expect(state).toMatchObject({
          ticketId: ticket!.id,
          computerIds: [right.id],
          counts: { coalesced: 1, followups: 1 },
          warnings: [],
        });
        expect(state.lastEvents[0]!.action).toBe(`opened ticket ${ticket!.id} (created by an earlier try)`);
      } finally {
        await worker.stop();
      }
    });
  },
);
