/** GLPI's ticket statuses (CommonITILObject constants, identical from 9.1 to 11). */
export const TICKET_STATUS = {
  new: 1,
  assigned: 2,
  planned: 3,
  pending: 4,
  solved: 5,
  closed: 6,
} as const;

export type TicketStatusName = keyof typeof TICKET_STATUS;

const NAMES = Object.fromEntries(Object.entries(TICKET_STATUS).map(([name, n]) => [n, name])) as Record<
  number,
  TicketStatusName
>;

/** `solved`, `closed`…; `status 9` for a value GLPI does not define. */
export function ticketStatusName(status: number): string {
  return NAMES[status] ?? `status ${status}`;
}

/** People (or GLPI's auto-close) are done with the ticket: nothing more is written to it unasked. */
export function isSolvedOrClosed(status: number): boolean {
  return status === TICKET_STATUS.solved || status === TICKET_STATUS.closed;
}
