// Every workflow the worker registers. Workflow code is deterministic: no I/O, only activities.
export { syncInventoryItem } from './sync-inventory-item';
export { syncInventory, progressQuery } from './sync-inventory';
export { ticketLifecycle, alertSignal, ticketStateQuery } from './ticket-lifecycle';
