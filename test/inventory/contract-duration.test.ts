import { contractDuration } from '../../src/inventory/contract-duration';

describe('contract duration', () => {
  it.each([
    ['2026-01-15', '2026-04-15', 3],
    ['2026-01-15', '2026-04-16', 4],
    ['2026-01-31', '2026-02-28', 1],
    ['2026-11-27', '2029-11-26', 36],
    ['2026-11-27', '2026-11-28', 1],
  ])('from %s to %s is %i whole months, rounded up', (begin, end, months) => {
    expect(contractDuration(begin, end)).toEqual({ months });
  });

  it('is 0 with a warning when the end date is missing', () => {
    expect(contractDuration('2026-01-15', undefined)).toEqual({
      months: 0,
      warning: expect.stringContaining('no end-of-service date'),
    });
  });

  it('is 0 with a warning when the end is not after the begin', () => {
    expect(contractDuration('2026-01-15', '2025-12-31')).toEqual({
      months: 0,
      warning: expect.stringContaining('not after the import date'),
    });
    expect(contractDuration('2026-01-15', '2026-01-15').months).toBe(0);
  });

  it("is capped at GLPI's 120 months, with a warning", () => {
    expect(contractDuration('2026-01-15', '2040-01-15')).toEqual({
      months: 120,
      warning: expect.stringContaining('capped'),
    });
    expect(contractDuration('2026-01-15', '2036-01-15')).toEqual({ months: 120 });
  });
});
