import { bars, stat, table, timeseries, type DashboardSpec } from './model.js';
import { fleet as f, variables } from './selectors.js';

/** Exporter health: is hostbaseline itself doing its job, and what does it cost. */
export const exporterHealth: DashboardSpec = {
  uid: 'hostbaseline-exporter',
  title: 'hostbaseline / Exporter health',
  description: 'Collector success and duration, failing collectors, dropped series and events, parse errors, series per family, scrape size and the exporter process itself.',
  variables: variables({ multiInstance: true }),
  refresh: '30s',
  from: 'now-3h',
  top: [
    stat({
      title: 'Exporters up',
      description: 'Targets of the selected jobs that Prometheus scraped successfully.',
      use: 'Below the number of hosts: an exporter is down or unreachable.',
      query: { expr: `sum(up${f()})` },
      w: 4,
    }),
    stat({
      title: 'Failing collectors',
      description: 'Collectors whose last refresh failed, over the selected hosts.',
      use: 'See "Collector status" for which and where.',
      query: { expr: `sum(1 - hostbaseline_collector_success${f()})` },
      warnAt: 1,
      w: 4,
    }),
    stat({
      title: 'Series dropped (range)',
      description: 'Series left out because a per-item family reached its cap, in the selected range.',
      use: 'Raise max_series of that collector or narrow its paths.',
      query: { expr: `sum(increase(hostbaseline_series_dropped_total${f()}[$__range]))` },
      warnAt: 1,
      w: 4,
    }),
    stat({
      title: 'Parse errors (range)',
      description: 'Malformed records skipped by collectors in the selected range.',
      use: 'Look at the exporter log for the file and reason.',
      query: { expr: `sum(increase(hostbaseline_parse_errors_total${f()}[$__range]))` },
      warnAt: 1,
      w: 4,
    }),
    stat({
      title: 'Samples per scrape',
      description: 'Samples of the largest scrape among the selected exporters (Prometheus\' scrape_samples_scraped).',
      use: 'Large scrapes cost Prometheus memory: turn off per-item families you do not use.',
      query: { expr: `max(scrape_samples_scraped${f()})` },
      w: 4,
    }),
    stat({
      title: 'Largest RSS',
      description: 'Resident memory of the largest exporter process.',
      use: 'The exporter is meant to stay small; growth points at a collector with too much data.',
      query: { expr: `max(process_resident_memory_bytes${f()})` },
      unit: 'bytes',
      w: 4,
    }),
  ],
  rows: [
    {
      title: 'Collectors',
      panels: [
        table({
          title: 'Collector status',
          description: 'Per host and collector: last success (1/0) and last duration.',
          use: 'Sort by success to find what is broken; durations close to the timeout are at risk.',
          queries: [{ expr: `hostbaseline_collector_success${f()}` }, { expr: `hostbaseline_collector_duration_seconds${f()}` }],
          valueNames: ['success', 'duration (s)'],
          w: 24,
          h: 12,
        }),
        timeseries({
          title: 'Collector duration',
          description: 'Duration of the last refresh of each collector (slowest 10 over the selected hosts).',
          use: 'Slow collectors (package databases, file hashing) can be given a longer interval.',
          queries: [{ expr: `topk(10, max by (collector) (hostbaseline_collector_duration_seconds${f()}))`, legend: '{{collector}}' }],
          unit: 's',
        }),
        timeseries({
          title: 'Failing collectors',
          description: 'Hosts where the last refresh of each collector failed, over time.',
          use: 'Any line above 0: read the exporter log of those hosts for the file and reason.',
          queries: [{ expr: `sum by (collector) (1 - hostbaseline_collector_success${f()})`, legend: '{{collector}}' }],
          min: 0,
        }),
        timeseries({
          title: 'Parse errors',
          description: 'Malformed records skipped per second by collector.',
          use: 'Steady parse errors mean a file format the collector does not know: report it.',
          queries: [{ expr: `sum by (collector) (rate(hostbaseline_parse_errors_total${f()}[$__rate_interval]))`, legend: '{{collector}}' }],
          unit: 'ops',
        }),
      ],
    },
    {
      title: 'Series and scrape size',
      panels: [
        bars({
          title: 'Series per family',
          description: 'Series of each hostbaseline family, summed over the selected hosts (top 20).',
          use: 'The biggest families are where to cut cardinality (collector options, max_series, disabling).',
          query: { expr: `topk(20, count by (__name__) (${f('__name__=~"hostbaseline_.+"')}))`, legend: '{{__name__}}' },
        }),
        timeseries({
          title: 'Dropped series',
          description: 'Series dropped per second because a per-item family hit its cap, by collector.',
          use: 'Dropped series mean an incomplete inventory: raise the cap or reduce the scope.',
          queries: [{ expr: `sum by (collector) (rate(hostbaseline_series_dropped_total${f()}[$__rate_interval]))`, legend: '{{collector}}' }],
          unit: 'ops',
        }),
        timeseries({
          title: 'Samples per scrape',
          description: 'Samples in each exporter\'s scrape (scrape_samples_scraped, from Prometheus).',
          use: 'Budget Prometheus capacity: samples × hosts ÷ scrape interval is the ingest rate.',
          queries: [{ expr: `scrape_samples_scraped${f()}`, legend: '{{instance}}' }],
        }),
        timeseries({
          title: 'Scrape duration',
          description: 'How long Prometheus took to scrape each exporter (the exposition is cached, so this stays low).',
          use: 'Durations near the scrape timeout cause gaps.',
          queries: [{ expr: `scrape_duration_seconds${f()}`, legend: '{{instance}}' }],
          unit: 's',
        }),
      ],
    },
    {
      title: 'Events pipeline',
      panels: [
        timeseries({
          title: 'Events produced',
          description: 'Security events produced per second by source. Present only when events are enabled (an OTLP endpoint is configured).',
          use: 'A source at 0 for long may be misconfigured (audit log path, journal access).',
          queries: [{ expr: `sum by (source) (rate(hostbaseline_events_total${f()}[$__rate_interval]))`, legend: '{{source}}' }],
          unit: 'ops',
        }),
        timeseries({
          title: 'Events dropped',
          description: 'Events or input lines dropped per second by source and reason.',
          use: 'queue_full: the receiver is too slow or down; raise --events.queue-size or fix it.',
          queries: [{ expr: `sum by (source, reason) (rate(hostbaseline_events_dropped_total${f()}[$__rate_interval]))`, legend: '{{source}} {{reason}}' }],
          unit: 'ops',
        }),
        timeseries({
          title: 'Export queue',
          description: 'Log records waiting to be exported, per exporter.',
          use: 'A growing queue ends in drops: check the OTLP receiver.',
          queries: [{ expr: `hostbaseline_events_queue_length${f()}`, legend: '{{instance}}' }],
        }),
        timeseries({
          title: 'Exports and failures',
          description: 'Log records accepted by the receiver and failed export attempts per second.',
          use: 'Failures are retried with backoff; failures without exports mean events are piling up.',
          queries: [
            { expr: `sum(rate(hostbaseline_events_exported_total${f()}[$__rate_interval]))`, legend: 'exported' },
            { expr: `sum(rate(hostbaseline_events_export_failures_total${f()}[$__rate_interval]))`, legend: 'failed attempts' },
          ],
          unit: 'ops',
        }),
        timeseries({
          title: 'FIM watches',
          description: 'Directories watched by file integrity monitoring, and watch errors per second.',
          use: 'Watch errors mean fs.inotify.max_user_watches or --events.fim.max-watches is too low.',
          queries: [
            { expr: `hostbaseline_fim_watches${f()}`, legend: '{{instance}} watches' },
            { expr: `rate(hostbaseline_fim_watch_errors_total${f()}[$__rate_interval])`, legend: '{{instance}} errors/s' },
          ],
          w: 24,
        }),
      ],
    },
    {
      title: 'Exporter process',
      panels: [
        timeseries({
          title: 'Resident memory',
          description: 'Resident set size and V8 heap in use of each exporter process.',
          use: 'RSS growing without bound is a leak: report it with the collectors enabled.',
          queries: [
            { expr: `process_resident_memory_bytes${f()}`, legend: '{{instance}} RSS' },
            { expr: `nodejs_heap_used_bytes${f()}`, legend: '{{instance}} heap' },
          ],
          unit: 'bytes',
        }),
        timeseries({
          title: 'CPU',
          description: 'CPU seconds per second used by each exporter process.',
          use: 'Spikes line up with slow collectors (hashing, package databases); spread them with intervals.',
          queries: [{ expr: `rate(process_cpu_seconds_total${f()}[$__rate_interval])`, legend: '{{instance}}' }],
          unit: 'percentunit',
        }),
        timeseries({
          title: 'Open file descriptors',
          description: 'Open file descriptors of each exporter, against its limit.',
          use: 'Close to the limit, collectors start failing with EMFILE.',
          queries: [
            { expr: `process_open_fds${f()}`, legend: '{{instance}} open' },
            { expr: `process_max_fds${f()}`, legend: '{{instance}} max' },
          ],
        }),
        table({
          title: 'Versions',
          description: 'Exporter version and Node.js version per instance.',
          use: 'Find exporters that missed an upgrade.',
          queries: [{ expr: `hostbaseline_build_info${f()}` }],
        }),
      ],
    },
  ],
};
