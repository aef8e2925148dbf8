/** GLPI's contract duration dropdown stops at 120 months. */
export const MAX_CONTRACT_MONTHS = 120;

export interface ContractDuration {
  months: number;
  /** Set when the rule had to decide something the data did not say. */
  warning?: string;
}

/**
 * The contract's initial duration: whole months from the begin date (the import date) to the
 * end-of-service date, rounded up (a contract that ends on 15 March covers March).
 *
 * - no end date: 0 (GLPI's "no duration"), with a warning;
 * - end on or before the begin date: 0, with a warning (the host is already out of service);
 * - more than 120 months: 120 (GLPI's maximum), with a warning.
 */
export function contractDuration(begin: string, end: string | undefined): ContractDuration {
  if (!end) return { months: 0, warning: 'no end-of-service date: contract created without a duration' };
  const [by, bm, bd] = begin.split('-').map(Number) as [number, number, number];
  const [ey, em, ed] = end.split('-').map(Number) as [number, number, number];
  let months = (ey - by) * 12 + (em - bm);
  if (ed > bd) months += 1;
  if (months <= 0) {
    return { months: 0, warning: `end of service ${end} is not after the import date ${begin}: duration 0` };
  }
  if (months > MAX_CONTRACT_MONTHS) {
    return {
      months: MAX_CONTRACT_MONTHS,
      warning: `end of service ${end} is ${months} months away: capped at GLPI's maximum of ${MAX_CONTRACT_MONTHS}`,
    };
  }
  return { months };
}
