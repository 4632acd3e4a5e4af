import { diag, DiagLogLevel, logs, type ContextManager, type DiagLogger, type Logger as OtelLogger } from '@opentelemetry/api';
import { defaultResource, resourceAttributesEnvDetector, resourceFromAttributes, serviceNameEnvDetector } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { Logger } from '../util/logger.js';
import { VERSION } from '../version.js';

export interface OtelSdkOptions {
  /** Where every record goes: the pipeline's bounded queue in front of the OTLP exporter. */
  processor: LogRecordProcessor;
  /** hostbaseline's own resource attributes (the host, read through the host root). */
  resourceAttributes: Record<string, string>;
  /** From a flag or the config file: wins over OTEL_SERVICE_NAME, as programmatic settings do in the SDK. */
  serviceName?: string;
  log: Logger;
}

export interface OtelSdk {
  logger: OtelLogger;
  shutdown(): Promise<void>;
}

/** One SDK per process: it registers the global logger provider. */
let running = false;

/** Sends the SDK's own warnings (bad OTEL_* values, partial success) to our log. */
function diagTo(log: Logger): DiagLogger {
  const line = (msg: string, args: unknown[]) => [`opentelemetry: ${msg}`, args.length ? { detail: args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ') } : {}] as const;
  return {
    error: (msg, ...args) => log.error(...line(msg, args)),
    warn: (msg, ...args) => log.warn(...line(msg, args)),
    info: (msg, ...args) => log.debug(...line(msg, args)),
    debug: (msg, ...args) => log.debug(...line(msg, args)),
    verbose: (msg, ...args) => log.debug(...line(msg, args)),
  };
}

/**
 * Starts `@opentelemetry/sdk-node` for logs only (no traces, metrics, propagators or context
 * manager) with our processor. The SDK applies OTEL_SDK_DISABLED, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_SERVICE_NAME, OTEL_NODE_RESOURCE_DETECTORS, OTEL_LOG_LEVEL and the OTEL_LOGRECORD_*
 * limits. Returns null when OTEL_SDK_DISABLED turned it off.
 */
export async function startOtelSdk(o: OtelSdkOptions): Promise<OtelSdk | null> {
  if (running) throw new Error('an event pipeline is already running in this process');
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  diag.setLogger(diagTo(o.log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  // A long audit argv or drift value must not blow up a record; the standard variables may say otherwise.
  if (process.env.OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT === undefined && process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT === undefined) {
    process.env.OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT = '4096';
  }
  const sdk = new NodeSDK({
    resource: defaultResource().merge(resourceFromAttributes(o.resourceAttributes)),
    // The SDK's host, os and process detectors describe the container (and the process's
    // command line); they run only when OTEL_NODE_RESOURCE_DETECTORS asks for them.
    ...(process.env.OTEL_NODE_RESOURCE_DETECTORS ? {} : { resourceDetectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }),
    ...(o.serviceName ? { serviceName: o.serviceName } : {}),
    logRecordProcessors: [o.processor],
    metricReaders: [],
    spanProcessors: [],
    instrumentations: [],
    textMapPropagator: null,
    // null: no context manager (the SDK accepts it; its type does not say so).
    contextManager: null as unknown as ContextManager,
  });
  sdk.start();
  const provider = logs.getLoggerProvider();
  if (!(provider instanceof LoggerProvider)) return null;
  running = true;
  return {
    logger: provider.getLogger('hostbaseline', VERSION),
    async shutdown() {
      try {
        await sdk.shutdown();
      } finally {
        logs.disable();
        running = false;
      }
    },
  };
}
