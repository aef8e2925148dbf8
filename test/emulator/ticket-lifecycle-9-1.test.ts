import { openEmulatorSession, type EmulatorSession } from './emulator-session';

/**
 * GLPI 9.1's ticket lifecycle as the bridge drives it: the solution is a field of the ticket, the stock
 * root entity closes a solved ticket at once (autoclose_delay 0), follow-ups are TicketFollowup and
 * `add_reopen` reopens a closed ticket (9.1.6: 45–58).
 */
interface Ticket {
  status: number;
  solvedate: string | null;
  closedate: string | null;
  solution: string | null;
  content: string;
  priority: number;
}

describe('GLPI 9.1 ticket lifecycle', () => {
  let api: EmulatorSession;
  let entityId: number;
  let ticketId: number;
  const ticket = async () => (await api.call('GET', `Ticket/${ticketId}`)).body as Ticket;

  beforeAll(async () => {
    api = await openEmulatorSession('9.1');
    const entity = await api.call('POST', 'Entity', { input: { name: 'Supervision', entities_id: 0 } });
    entityId = (entity.body as { id: number }).id;
    // The new entity is usable once the session changes to it (9.1.6: 19–23).
    await api.call('POST', 'changeActiveEntities', { entities_id: entityId, is_recursive: true });
  });
  afterAll(() => api.stop());

  it('opens a ticket assigned to the API user, with 9.1 plain-text content', async () => {
    const computer = await api.call('POST', 'Computer', { input: { name: 'pc-91', entities_id: entityId } });
    const computerId = (computer.body as { id: number }).id;
    const res = await api.call('POST', 'Ticket', {
      input: {
        name: 'CPU alert on pc-91',
        content: "<p>CPU & 'x'</p>",
        urgency: 5,
        impact: 4,
        entities_id: entityId,
        items_id: { Computer: [computerId] },
      },
    });
    expect(res.status).toBe(201);
    ticketId = (res.body as { id: number }).id;
    expect(res.body).toEqual({
      id: ticketId,
      message: `Your ticket has been registered. (Ticket: ${ticketId})`,
    });
    expect(await ticket()).toMatchObject({
      status: 2,
      priority: 5,
      content: "CPU &amp; 'x'",
      solution: null,
    });
    const actors = api.emulator.rows('Ticket_User').filter((r) => r.tickets_id === ticketId);
    expect(actors.map((a) => [a.users_id, a.type])).toEqual([
      [2, 1],
      [2, 2],
    ]);
    const links = await api.call('GET', `Ticket/${ticketId}/Item_Ticket`);
    expect(links.body).toEqual([expect.objectContaining({ itemtype: 'Computer', items_id: computerId })]);
  });

  it('closes at once when solved through the solution field', async () => {
    const res = await api.call('PUT', `Ticket/${ticketId}`, {
      input: { solution: 'Recovered', solutiontypes_id: 0, status: 5 },
    });
    expect(res).toMatchObject({ status: 200, body: [{ [ticketId]: true, message: '' }] });
    const solved = await ticket();
    expect(solved).toMatchObject({ status: 6, solution: 'Recovered' });
    expect(solved.solvedate).not.toBeNull();
    expect(solved.closedate).not.toBeNull();
  });

  it('reopens a closed ticket with a TicketFollowup add_reopen, keeping the solution text', async () => {
    const res = await api.call('POST', 'TicketFollowup', {
      input: { tickets_id: ticketId, content: 'problem is back', add_reopen: 1 },
    });
    expect(res.status).toBe(201);
    expect(await ticket()).toMatchObject({
      status: 2,
      solvedate: null,
      closedate: null,
      solution: 'Recovered',
    });
  });

  it('does not solve again when the same solution text is sent, and does with a new one', async () => {
    await api.call('PUT', `Ticket/${ticketId}`, { input: { solution: 'Recovered' } });
    expect((await ticket()).status).toBe(2);
    await api.call('PUT', `Ticket/${ticketId}`, { input: { solution: 'Recovered again' } });
    expect(await ticket()).toMatchObject({ status: 6, solution: 'Recovered again' });
    await api.call('POST', 'TicketFollowup', {
      input: { tickets_id: ticketId, content: 'back', add_reopen: 1 },
    });
    expect((await ticket()).status).toBe(2);
  });

  it('closes with PUT status 6, dating the solution too', async () => {
    await api.call('PUT', `Ticket/${ticketId}`, { input: { status: 6 } });
    const closed = await ticket();
    expect(closed.status).toBe(6);
    expect(closed.solvedate).not.toBeNull();
    expect(closed.closedate).not.toBeNull();
  });

  it('accepts a follow-up on a closed ticket without reopening it', async () => {
    const res = await api.call('POST', 'TicketFollowup', {
      input: { tickets_id: ticketId, content: 'late note' },
    });
    expect(res).toMatchObject({ status: 201, body: { message: '' } });
    expect((await ticket()).status).toBe(6);
    const followups = await api.call('GET', `Ticket/${ticketId}/TicketFollowup`);
    expect((followups.body as unknown[]).length).toBe(3);
  });

  it('has neither ITILFollowup nor ITILSolution', async () => {
    for (const itemtype of ['ITILFollowup', 'ITILSolution']) {
      const res = await api.call('POST', itemtype, {
        input: { itemtype: 'Ticket', items_id: ticketId, content: 'x' },
      });
      expect([itemtype, res.status, (res.body as string[])[0]]).toEqual([
        itemtype,
        400,
        'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM',
      ]);
    }
  });
});
