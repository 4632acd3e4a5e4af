import type { FlagDef } from '../config/flags.js';

/** Flags of the event pipeline (OTLP export, FIM, audit, logs); read from ExporterConfig.args. */
export const EVENT_FLAGS: FlagDef[] = [];
