import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { OtlpConfig } from './config.js';

type ExporterOptions = NonNullable<ConstructorParameters<typeof OTLPLogExporter>[0]>;

/** The OTLP/HTTP (JSON) logs exporter, configured from resolved settings (flags > file > OTEL_* env). */
export function createOtlpExporter(c: OtlpConfig): LogRecordExporter {
  return new OTLPLogExporter({
    url: c.url,
    headers: c.headers,
    // The SDK's CompressionAlgorithm enum has exactly these string values.
    compression: c.compression as ExporterOptions['compression'],
    timeoutMillis: c.timeoutMs,
    // The pipeline sends one request at a time; 2 leaves room for the slot the SDK frees late.
    concurrencyLimit: 2,
  });
}
