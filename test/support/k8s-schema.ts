import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { REPO } from '../helpers.js';

/** Where each kind's TypeScript model lives (kubernetes-models 4.x and its prometheus-operator CRDs). */
const MODELS: Record<string, { module: string; type: string }> = {
  'apps/v1/DaemonSet': { module: 'kubernetes-models/apps/v1/DaemonSet', type: 'IDaemonSet' },
  'v1/Service': { module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ServiceAccount': { module: 'kubernetes-models/v1/ServiceAccount', type: 'IServiceAccount' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'networking.k8s.io/v1/NetworkPolicy': { module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', type: 'INetworkPolicy' },
  'monitoring.coreos.com/v1/ServiceMonitor': { module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', type: 'IServiceMonitor' },
  'monitoring.coreos.com/v1/PodMonitor': { module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor', type: 'IPodMonitor' },
  'monitoring.coreos.com/v1/PrometheusRule': { module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule', type: 'IPrometheusRule' },
};

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  [k: string]: unknown;
}

function modelOf(o: K8sObject) {
  const m = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!m) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return m;
}

/** Validates objects at run time with the models' JSON schemas (types, formats, required fields). */
export async function validateWithModels(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const m = modelOf(o);
    const mod = (await import(m.module)) as Record<string, new (data: unknown) => { validate(): void }>;
    const Model = mod[m.type.slice(1)]!;
    try {
      new Model(o).validate();
    } catch (err) {
      problems.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * The models' JSON schemas accept unknown fields. TypeScript's excess-property check on
 * object literals does not: each object is written as a literal typed with its model
 * interface and type-checked, so a misspelt or misplaced field is an error.
 */
export function rejectUnknownFields(objects: K8sObject[]): string[] {
  const dir = path.join(REPO, 'test-results', 'k8s-check');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `objects-${process.pid}-${Date.now()}.ts`);
  const lines: string[] = [];
  objects.forEach((o, i) => {
    const m = modelOf(o);
    lines.push(`import type { ${m.type} as T${i} } from '${m.module}';`);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 2)};`);
  });
  writeFileSync(file, lines.join('\n') + '\n');
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const source = d.file!.text.split('\n')[line]?.trim() ?? '';
      return `line ${line + 1} (${source}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}
