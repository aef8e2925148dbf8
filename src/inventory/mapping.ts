import { contractDuration } from './contract-duration';
import type { InventoryItem } from './inventory-schema';

/**
 * The inventory mapping, in one place: an inventory item and what GLPI holds → the writes needed. Pure
 * (no GLPI call): the batch planner that proves a host unchanged and the steps that write it both use it,
 * so a mapped field cannot be added to one and forgotten in the other.
 *
 * | inventory                             | GLPI                                             |
 * | ------------------------------------- | ------------------------------------------------ |
 * | label                                 | Computer > name                                  |
 * | hardware.type                         | Computer > type (ComputerType)                   |
 * | hardware.manufacturer                 | Computer > manufacturer (Manufacturer)           |
 * | hardware.serialNumber                 | Computer > serial                                |
 * | software.operatingSystem              | operating system name (OperatingSystem)          |
 * | software.license                      | operating system product id                      |
 * | importDate                            | Contract > begin date (contract made by a sync)  |
 * | serviceContract.endOfServiceDate      | Contract > initial duration, in months           |
 * | contract.glpiContractId               | an existing contract, linked instead             |
 * | entity                                | the computer's and contract's entity             |
 */

/** A value to write: text, an id, or `undefined` for a dropdown value that does not exist yet (dry run). */
export type Wanted = string | number | undefined;

/** Ids of the dropdown values an item names; `undefined` where the value does not exist yet. */
export interface DropdownIds {
  computerType?: number;
  manufacturer?: number;
  operatingSystem?: number;
}

/** Where GLPI keeps a computer's operating system: on the computer (9.1) or in Item_OperatingSystem (9.2+). */
export interface OsStorage {
  kind: 'computer' | 'item';
  /** The product id column: `os_licenseid` (9.1), `license_id` (9.2–9.3), `licenseid` (9.4+). */
  licenseField: string;
}

/** Text compared the way GLPI returns it (HTML-encoded, 9.x numbers); given by the GLPI layer. */
export type SameText = (stored: unknown, wanted: string) => boolean;

/** True when GLPI's stored value is not yet the wanted one. */
export function differs(stored: unknown, wanted: Wanted, sameText: SameText): boolean {
  if (wanted === undefined) return true; // a dropdown value a dry run would create
  return typeof wanted === 'number' ? Number(stored) !== wanted : !sameText(stored, wanted);
}

/** The dropdown names an item uses, by itemtype; each is resolved (or created) before mapping. */
export function dropdownNames(
  item: InventoryItem,
): { itemtype: string; name: string; key: keyof DropdownIds }[] {
  const out: { itemtype: string; name: string; key: keyof DropdownIds }[] = [];
  if (item.hardware.type)
    out.push({ itemtype: 'ComputerType', name: item.hardware.type, key: 'computerType' });
  if (item.hardware.manufacturer)
    out.push({ itemtype: 'Manufacturer', name: item.hardware.manufacturer, key: 'manufacturer' });
  if (item.software.operatingSystem)
    out.push({ itemtype: 'OperatingSystem', name: item.software.operatingSystem, key: 'operatingSystem' });
  return out;
}

/**
 * The computer's own mapped fields: only those the source provides, so that nothing people filled in is
 * blanked. The entity is always mapped: a host moved to another customer or site moves its computer.
 */
export function computerFields(
  item: InventoryItem,
  ids: DropdownIds,
  entityId: number,
): Record<string, Wanted> {
  const fields: Record<string, Wanted> = { name: item.label, entities_id: entityId };
  if (item.hardware.serialNumber) fields.serial = item.hardware.serialNumber;
  if (item.hardware.type) fields.computertypes_id = ids.computerType;
  if (item.hardware.manufacturer) fields.manufacturers_id = ids.manufacturer;
  return fields;
}

/** The operating system's mapped fields, in the columns of the version's storage; none without an OS. */
export function osFields(item: InventoryItem, ids: DropdownIds, storage: OsStorage): Record<string, Wanted> {
  const { operatingSystem, license } = item.software;
  if (!operatingSystem) return {};
  const fields: Record<string, Wanted> = { operatingsystems_id: ids.operatingSystem };
  if (license) fields[storage.licenseField] = license;
  return fields;
}

/** The fields of `wanted` that GLPI's `row` does not hold yet. */
export function changedFields(
  row: Record<string, unknown>,
  wanted: Record<string, Wanted>,
  sameText: SameText,
): Record<string, Wanted> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([field, value]) => differs(row[field], value, sameText)),
  );
}

/**
 * The comment once the marker is in it: what people wrote is kept, the marker added on a line of its own.
 * `undefined` when the marker is already there.
 */
export function commentWithMarker(comment: string, marker: string): string | undefined {
  if (comment.includes(marker)) return undefined;
  return comment ? `${comment}\n${marker}` : marker;
}

/** A support contract made by a sync: named after the host, from the import date, for the months left. */
export function contractToCreate(
  item: InventoryItem,
  marker: string,
  entityId: number,
): { fields: Record<string, string | number>; warning?: string } {
  const duration = contractDuration(item.importDate, item.serviceContract?.endOfServiceDate);
  return {
    fields: {
      name: item.label,
      begin_date: item.importDate,
      duration: duration.months,
      entities_id: entityId,
      // The warning stays with the contract, where people will look for why it has no duration.
      comment: duration.warning ? `${marker}\n${duration.warning}` : marker,
    },
    warning: duration.warning,
  };
}

/** The contract a host uses: the one the inventory selects, else the one a sync made for it. */
export function selectedContractId(item: InventoryItem): number | undefined {
  return item.contract?.glpiContractId;
}

/** What GLPI holds of a host, as far as the mapping is concerned. */
export interface HostState {
  computer: Record<string, unknown> & { id: number };
  /** The computer's OS row (9.2+: its Item_OperatingSystem; 9.1: the computer itself); undefined = none. */
  os?: Record<string, unknown>;
  /** Several OS links: the mapping cannot tell which is ours. */
  osAmbiguous?: boolean;
  /** The contract the host should be linked to, if it exists. */
  contractId?: number;
  /** That contract's entity, for a contract the sync made (it follows its computer). */
  contractEntityId?: number;
  /** The computer is linked to that contract. */
  linked: boolean;
}

/** True when a host is exactly as mapped in GLPI: nothing to write, so no step needs to run. */
export function hostUnchanged(
  item: InventoryItem,
  state: HostState,
  marker: string,
  ids: DropdownIds,
  entityId: number,
  storage: OsStorage,
  sameText: SameText,
): boolean {
  // Markers hold no character GLPI encodes: a plain substring test is exact on every version.
  if (!String(state.computer.comment ?? '').includes(marker)) return false;
  if (Object.keys(changedFields(state.computer, computerFields(item, ids, entityId), sameText)).length)
    return false;
  const os = osFields(item, ids, storage);
  if (Object.keys(os).length) {
    if (!state.os || state.osAmbiguous) return false;
    if (Object.keys(changedFields(state.os, os, sameText)).length) return false;
  }
  if (state.contractId === undefined || !state.linked) return false;
  if (state.contractEntityId !== undefined && state.contractEntityId !== entityId) return false;
  return true;
}
