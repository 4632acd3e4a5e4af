import type { TableObserver } from '../collectors/types.js';
import type { CollectorSpec } from '../collectors/types.js';
import type { ExporterConfig } from '../config/config.js';
import { createApp, isLoopback, listen, parseListenAddress } from '../server/app.js';
import { ExpositionCache } from '../server/exposition-cache.js';
import { createSelfRegistry } from '../server/self-metrics.js';
import { loadWebConfig, type WebConfig } from '../server/web-config.js';
import { VERSION } from '../version.js';
import type { Io } from './main.js';
import { createRuntime } from './runtime.js';
import { createCommandRunner } from '../host/commands.js';
import type { EventsConfig } from '../events/config.js';
import type { Events } from '../events/index.js';

/** How long shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Runs the exporter until SIGTERM or SIGINT. */
/** `eventsConfig` is the events section as the command line resolved it (null: no events). */
export async function serve(specs: CollectorSpec[], config: ExporterConfig, io: Io, eventsConfig: EventsConfig | null): Promise<number> {
  let webConfig: WebConfig | null = null;
  let rt;
  let events: Events | null = null;
  // Drift events: the scheduler reports each refresh to the differ, once the pipeline is up.
  const observer: TableObserver = { onTables: (...a) => events?.differ?.onTables(...a) };
  try {
    if (config.webConfigFile) webConfig = loadWebConfig(config.webConfigFile);
    rt = createRuntime(specs, config, { observer });
  } catch (err) {
    io.stderr(`hostbaseline-exporter: error: ${(err as Error).message}\n`);
    return 2;
  }
  const { log, scheduler, catalog, fs } = rt;
  const self = createSelfRegistry();
  if (eventsConfig) {
    try {
      // The OpenTelemetry SDK is loaded only when events are configured.
      const { startEvents } = await import('../events/index.js');
      events = await startEvents(eventsConfig, { fs, log, clock: rt.clock, commands: createCommandRunner(), registry: self, severity: config.eventSeverity });
    } catch (err) {
      log.error('cannot start security events', { err: (err as Error).message });
      return 2;
    }
  }
  const exposition = new ExpositionCache(scheduler, catalog, self, config.healthDetail);
  const app = createApp({ scheduler, exposition, telemetryPath: config.telemetryPath, webConfig, log, maxRequests: config.web.maxRequests });
  let server;
  try {
    server = await listen(app, config.listenAddress, webConfig, { limits: config.web, log });
  } catch (err) {
    log.error('cannot listen', { address: config.listenAddress, err: (err as Error).message });
    await events?.stop(1000);
    return 1;
  }
  scheduler.start();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down', { signal });
      const deadline = setTimeout(() => {
        log.warn('shutdown deadline reached, exiting');
        resolve(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      scheduler.stop();
      // The event queue is flushed within its own deadline, inside the overall one.
      await events?.stop();
      await server.close();
      clearTimeout(deadline);
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    // Announced only once the signal handlers are in place.
    log.info('hostbaseline exporter started', {
      version: VERSION,
      address: server.address,
      tls: !!webConfig?.tls,
      rootfs: fs.rootfs,
      procfs: fs.procfs,
      sysfs: fs.sysfs,
      collectors: scheduler.list().map((s) => s.spec.name).join(','),
    });
    const exposed = exposureWarning(config.listenAddress, webConfig);
    if (exposed) log.warn(exposed, { address: server.address });
  });
}

/**
 * The one warning for an exporter anyone on the network can read: it serves package
 * versions, sudo rules, SUID files and listening ports, a map for an attacker.
 */
export function exposureWarning(listenAddress: string, webConfig: WebConfig | null): string | null {
  if (isLoopback(parseListenAddress(listenAddress).host)) return null;
  const tls = !!webConfig?.tls;
  const auth = (webConfig?.basicAuthUsers.size ?? 0) > 0 || webConfig?.tls?.clientAuthType === 'RequireAndVerifyClientCert';
  if (tls && auth) return null;
  const missing = [tls ? null : 'TLS', auth ? null : 'authentication'].filter(Boolean).join(' or ');
  return `listening beyond loopback without ${missing}: anyone who can reach this port reads this host's package versions, users, sudo rules, SUID files and listening ports; set --web.config.file (TLS and basic_auth_users, or client certificates) or listen on 127.0.0.1 behind a proxy (see README "Protecting the endpoint")`;
}
