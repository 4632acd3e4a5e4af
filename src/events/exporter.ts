import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { OtlpConfig } from './config.js';

type ExporterOptions = NonNullable<ConstructorParameters<typeof import('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter>[0]>;

/**
 * The OpenTelemetry OTLP/HTTP logs exporter for the protocol: protobuf or JSON. Only what
 * flags or the config file set is passed; the exporter reads the rest (endpoint, headers,
 * timeout, compression, TLS certificates) from the OTEL_EXPORTER_OTLP_* variables.
 */
export async function createOtlpExporter(c: OtlpConfig): Promise<LogRecordExporter> {
  const options: ExporterOptions = {
    // The pipeline sends one request at a time; 2 leaves room for the slot the SDK frees late.
    concurrencyLimit: 2,
  };
  if (c.url) options.url = c.url;
  if (Object.keys(c.headers).length > 0) options.headers = c.headers;
  // The SDK's CompressionAlgorithm enum has exactly these string values.
  if (c.compression) options.compression = c.compression as ExporterOptions['compression'];
  if (c.timeoutMs !== undefined) options.timeoutMillis = c.timeoutMs;
  // Only the package of the chosen protocol is loaded.
  const { OTLPLogExporter } =
    c.protocol === 'http/json' ? await import('@opentelemetry/exporter-logs-otlp-http') : await import('@opentelemetry/exporter-logs-otlp-proto');
  return new OTLPLogExporter(options);
}
