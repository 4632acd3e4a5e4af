import { datasourceVariable, labelValuesVariable, type Variable } from './model.js';

/** Label matchers of the fleet dashboards: every selected job and instance (multi-value variables). */
export function fleet(extra = ''): string {
  return `{job=~"$job", instance=~"$instance"${extra ? `, ${extra}` : ''}}`;
}

/** Label matchers of the host dashboard: one instance. */
export function host(extra = ''): string {
  return `{job=~"$job", instance="$instance"${extra ? `, ${extra}` : ''}}`;
}

/** The variables of every dashboard: data source, job, instance (multi-value or one host). */
export function variables(o: { multiInstance: boolean }): Variable[] {
  return [
    datasourceVariable(),
    labelValuesVariable('job', 'Job', 'label_values(hostbaseline_os_info, job)', { multi: true }),
    labelValuesVariable('instance', 'Instance', 'label_values(hostbaseline_os_info{job=~"$job"}, instance)', { multi: o.multiInstance }),
  ];
}
