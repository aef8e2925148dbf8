import { sameGlpiText } from '../../src/glpi/text';
import { matchHost, type Candidate } from '../../src/inventory/host-matching';
import type { InventoryItem } from '../../src/inventory/inventory-schema';
import {
  changedFields,
  commentWithMarker,
  computerFields,
  contractToCreate,
  hostUnchanged,
  osFields,
  type HostState,
} from '../../src/inventory/mapping';

const item: InventoryItem = {
  id: 'h1',
  label: 'srv-01',
  hardware: { type: 'Server', manufacturer: 'Dell Inc.', serialNumber: '0123' },
  software: { operatingSystem: 'Debian 12', license: 'L-1' },
  importDate: '2026-11-27',
  serviceContract: { endOfServiceDate: '2027-03-15' },
};
const ids = { computerType: 3, manufacturer: 4, operatingSystem: 5 };
const itemStorage = { kind: 'item', licenseField: 'licenseid' } as const;
const marker = '[glpi-bridge:mon:h1]';

describe('the inventory mapping', () => {
  it('maps only the fields the source provides, and always the entity', () => {
    expect(computerFields(item, ids, 7)).toEqual({
      name: 'srv-01',
      entities_id: 7,
      serial: '0123',
      computertypes_id: 3,
      manufacturers_id: 4,
    });
    const bare = { ...item, hardware: {}, software: {} };
    expect(computerFields(bare, ids, 7)).toEqual({ name: 'srv-01', entities_id: 7 });
    expect(osFields(bare, ids, itemStorage)).toEqual({});
  });

  it('writes the OS in the columns of the version', () => {
    expect(osFields(item, ids, itemStorage)).toEqual({ operatingsystems_id: 5, licenseid: 'L-1' });
    expect(osFields(item, ids, { kind: 'computer', licenseField: 'os_licenseid' })).toEqual({
      operatingsystems_id: 5,
      os_licenseid: 'L-1',
    });
    expect(osFields(item, ids, { kind: 'item', licenseField: 'license_id' })).toHaveProperty('license_id');
  });

  it('compares the way GLPI returns values: encoded text and 9.x numbers are not changes', () => {
    const row = { name: 'srv-01', serial: 123, computertypes_id: 3, manufacturers_id: 4, entities_id: 7 };
    expect(changedFields(row, computerFields(item, ids, 7), sameGlpiText)).toEqual({});
    expect(changedFields({ ...row, name: 'a&#60;b' }, { name: 'a<b' }, sameGlpiText)).toEqual({});
    expect(changedFields({ ...row, serial: 'X' }, computerFields(item, ids, 7), sameGlpiText)).toEqual({
      serial: '0123',
    });
    // A value a dry run would create is always a change.
    expect(changedFields(row, { computertypes_id: undefined }, sameGlpiText)).toEqual({
      computertypes_id: undefined,
    });
  });

  it("keeps people's comment and adds the marker once", () => {
    expect(commentWithMarker('bought 2019', marker)).toBe(`bought 2019\n${marker}`);
    expect(commentWithMarker('', marker)).toBe(marker);
    expect(commentWithMarker(`x\n${marker}`, marker)).toBeUndefined();
  });

  it('makes the contract from the import date for the months left, with the warning in its comment', () => {
    expect(contractToCreate(item, marker, 7).fields).toEqual({
      name: 'srv-01',
      begin_date: '2026-11-27',
      duration: 4,
      entities_id: 7,
      comment: marker,
    });
    const open = contractToCreate({ ...item, serviceContract: undefined }, marker, 7);
    expect(open.fields.duration).toBe(0);
    expect(open.fields.comment).toBe(`${marker}\n${open.warning}`);
  });

  it('proves a host unchanged only when every mapped part matches', () => {
    const state: HostState = {
      computer: {
        id: 1,
        name: 'srv-01',
        serial: '0123',
        computertypes_id: 3,
        manufacturers_id: 4,
        entities_id: 7,
        comment: `notes\n${marker}`,
      },
      os: { operatingsystems_id: 5, licenseid: 'L-1' },
      contractId: 9,
      contractEntityId: 7,
      linked: true,
    };
    const same = (s: HostState, entity = 7) =>
      hostUnchanged(item, s, marker, ids, entity, itemStorage, sameGlpiText);
    expect(same(state)).toBe(true);
    expect(same({ ...state, computer: { ...state.computer, serial: 'other' } })).toBe(false);
    expect(same({ ...state, computer: { ...state.computer, comment: 'no marker' } })).toBe(false);
    expect(same({ ...state, os: { ...state.os, licenseid: 'L-2' } })).toBe(false);
    expect(same({ ...state, os: undefined })).toBe(false);
    expect(same({ ...state, osAmbiguous: true })).toBe(false);
    expect(same({ ...state, linked: false })).toBe(false);
    expect(same({ ...state, contractId: undefined })).toBe(false);
    // The host moved to another entity: its computer and contract must follow.
    expect(same(state, 8)).toBe(false);
  });
});

describe('which computer is a host', () => {
  const c = (id: number, name: string, serial: string, comment = ''): Candidate => ({
    id,
    name,
    serial,
    comment,
  });

  it('prefers its marker, then its serial, then its unmarked name', () => {
    const candidates = [c(1, 'srv-01', 'other'), c(2, 'x', '0123'), c(3, 'y', '', `keep\n${marker}`)];
    expect(matchHost('mon', item, candidates)).toEqual({ id: 3, matchedBy: 'marker' });
    expect(matchHost('mon', item, candidates.slice(0, 2))).toEqual({ id: 2, matchedBy: 'serial' });
    expect(matchHost('mon', item, [c(1, 'srv-01', '')])).toEqual({ id: 1, matchedBy: 'name' });
  });

  it('adopts by serial whatever source marked the computer, but not a computer of another host of this source', () => {
    expect(matchHost('mon', item, [c(4, 'x', '0123', '[glpi-bridge:csv:srv-01]')])).toEqual({
      id: 4,
      matchedBy: 'serial',
    });
    expect(matchHost('mon', item, [c(4, 'x', '0123', '[glpi-bridge:mon:h2]')])).toBeUndefined();
  });

  it('never adopts by name a marked computer, or one whose serial says it is another machine', () => {
    expect(matchHost('mon', item, [c(5, 'srv-01', '', '[glpi-bridge:mon:h9]')])).toBeUndefined();
    expect(matchHost('mon', item, [c(5, 'srv-01', 'SN-OTHER')])).toBeUndefined();
    expect(matchHost('mon', item, [c(5, 'srv-01', 'SN-OTHER')], new Set())).toBeUndefined();
  });

  it('adopts a computer once in a batch', () => {
    expect(matchHost('mon', item, [c(6, 'srv-01', '')], new Set([6]))).toBeUndefined();
  });
});
