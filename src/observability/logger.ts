import pino from 'pino';
import type { LogLevel as TemporalLogLevel, Logger as TemporalLogger, LogMetadata } from '@temporalio/common';
import type { LogLevel } from '../config/config';
import { serializeError } from './describe-failure';

export type Logger = pino.Logger;

/**
 * Keys whose values are secrets wherever they appear in a log record. pino removes them before
 * serialisation, so a careless `log.info({ headers })` cannot leak a GLPI token.
 */
const SECRET_PATHS = [
  'password',
  'appToken',
  'userToken',
  'sessionToken',
  'authorization',
  '*.password',
  '*.appToken',
  '*.userToken',
  '*.sessionToken',
  '*.authorization',
  'headers["App-Token"]',
  'headers["Session-Token"]',
  'headers.Authorization',
];

/**
 * Errors arrive under these keys (ours use `err`; the Temporal SDK passes `error` for a failed activity or
 * workflow, `failure` elsewhere). Serialised with their type, message, GLPI error code, HTTP status and
 * cause, instead of `{}` (an Error's own fields are not enumerable).
 */
const errorSerializer = (value: unknown): unknown => serializeError(value) ?? value;
const ERROR_KEYS = ['err', 'error', 'failure'] as const;

/** Structured JSON logs on stdout (or the given stream), one object per line. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'glpi-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: Object.fromEntries(ERROR_KEYS.map((key) => [key, errorSerializer])),
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

const TEMPORAL_TO_PINO: Record<TemporalLogLevel, LogLevel> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The workflow bundler's reports (webpack's whole build summary as one message, then "Workflow bundle
 * created") say nothing an operator acts on: they go to debug. A failed build still logs at error.
 */
function isBundlerNoise(level: TemporalLogLevel, message: string): boolean {
  if (level !== 'INFO') return false;
  const plain = message.replace(ANSI_COLOUR, '');
  return (
    plain === 'Workflow bundle created' ||
    /^asset workflow-bundle-/m.test(plain) ||
    /^webpack \d[\w.-]* compiled/m.test(plain)
  );
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Fields of the SDK's records that are opaque noise in a log line (a base64 task token). */
const DROPPED_META = new Set(['taskToken']);

/** Routes the Temporal SDK's logs (worker, activities and workflows through the sink) into our logger. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const at =
    (level: TemporalLogLevel) =>
    (message: string, meta?: LogMetadata): void => {
      const fields: Record<string, unknown> = { source: 'temporal' };
      for (const [key, value] of Object.entries(meta ?? {})) if (!DROPPED_META.has(key)) fields[key] = value;
      const pinoLevel = isBundlerNoise(level, message) ? 'debug' : TEMPORAL_TO_PINO[level];
      logger[pinoLevel](fields, message);
    };
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
