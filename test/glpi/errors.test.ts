import * as errors from '../../src/glpi/errors';
import { NON_RETRYABLE_GLPI_ERRORS } from '../../src/workflows/retry';

describe('GLPI error classes and the retry policy', () => {
  it('lists every non-retryable GLPI error in the retry policy, and no retryable one', () => {
    type Concrete = new (m: string, d: errors.GlpiErrorDetails) => errors.GlpiError;
    const classes = (Object.values(errors) as unknown[]).filter(
      (v) => typeof v === 'function' && (v as { prototype: unknown }).prototype instanceof errors.GlpiError,
    ) as Concrete[];
    const instances = classes.map((C) => new C('x', { code: 'X' }));
    expect(instances.length).toBeGreaterThanOrEqual(8);
    for (const e of instances)
      expect({ name: e.name, listed: NON_RETRYABLE_GLPI_ERRORS.includes(e.name) }).toEqual({
        name: e.name,
        listed: !e.retryable,
      });
  });

  it('classifies GLPI error bodies by code and status', () => {
    const c = (status: number, code: string, message = '') =>
      errors.classifyGlpiError(status, code, message, 'GET /X').name;
    expect(c(500, 'ERROR_SQL')).toBe('GlpiServerError');
    expect(c(429, 'HTTP_429')).toBe('GlpiServerError');
    expect(c(403, 'ERROR_RIGHT_MISSING')).toBe('GlpiRightError');
    expect(c(401, 'ERROR_RIGHT_MISSING')).toBe('GlpiRightError');
    expect(c(400, 'ERROR_GLPI_ADD', "You don't have permission to perform this action.")).toBe(
      'GlpiRightError',
    );
    expect(c(400, 'ERROR_GLPI_ADD', 'Duplicate entry')).toBe('GlpiRequestError');
    expect(c(404, 'ERROR_ITEM_NOT_FOUND')).toBe('GlpiNotFoundError');
    expect(c(400, 'ERROR_NOT_ALLOWED_IP')).toBe('GlpiAuthError');
    expect(c(400, 'ERROR', 'API disabled')).toBe('GlpiAuthError');
    expect(c(401, 'ERROR_SESSION_TOKEN_INVALID')).toBe('GlpiSessionError');
  });
});
