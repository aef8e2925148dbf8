import pino from 'pino';
import type { LogLevel as TemporalLogLevel, Logger as TemporalLogger, LogMetadata } from '@temporalio/common';
import type { LogLevel } from '../config/config';

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

/** Structured JSON logs on stdout (or the given stream), one object per line. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'glpi-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
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

/** Routes the Temporal SDK's logs (worker, activities and workflows through the sink) into our logger. */
export function temporalLogger(logger: Logger): TemporalLogger {
  const at =
    (level: TemporalLogLevel) =>
    (message: string, meta?: LogMetadata): void =>
      logger[TEMPORAL_TO_PINO[level]]({ ...meta, source: 'temporal' }, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
