/**
 * A small, hand-checkable telemetry set for the KQL tests: four gateway calls (three metric rows
 * each, one request row each) to a component with custom metrics "With dimensions", and one call
 * to a second component without it, both sending to the same workspace.
 */
import type { ArmResource, ResourceView } from '../../labs/sandbox/core/resources.ts';
import type { KqlSource, KqlTable } from '../../labs/sandbox/kql/index.ts';
import { createMemoryTelemetry, type MemoryTelemetry } from '../../labs/sandbox/telemetry/memory.ts';

export const NOW = Date.parse('2025-06-01T12:00:00Z');
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-course';
export const WORKSPACE_ID = `${SUB}/providers/Microsoft.OperationalInsights/workspaces/log-course`;
export const COMPONENT_ID = `${SUB}/providers/Microsoft.Insights/components/ai-course`;
export const PLAIN_COMPONENT_ID = `${SUB}/providers/Microsoft.Insights/components/ai-plain`;

export function fixtureResources(withDimensions = true): ArmResource[] {
  return [
    { id: WORKSPACE_ID, name: 'log-course', type: 'Microsoft.OperationalInsights/workspaces', properties: { customerId: 'ws-cust-1' } },
    {
      id: COMPONENT_ID, name: 'ai-course', type: 'Microsoft.Insights/components',
      properties: { AppId: 'app-1', InstrumentationKey: 'key-1', WorkspaceResourceId: WORKSPACE_ID, ...(withDimensions ? { CustomMetricsOptedInType: 'WithDimensions' } : {}) },
    },
    { id: PLAIN_COMPONENT_ID, name: 'ai-plain', type: 'Microsoft.Insights/components', properties: { AppId: 'app-2', InstrumentationKey: 'key-2', WorkspaceResourceId: WORKSPACE_ID } },
  ];
}

export function resourceView(resources: ArmResource[]): ResourceView {
  return {
    get: (id) => resources.find((r) => r.id.toLowerCase() === id.replace(/\/+$/, '').toLowerCase()),
    children: () => [],
    ofType: (type) => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase()),
  };
}

const CALLS = [
  { at: '2025-06-01T10:00:00Z', user: 'carol', sub: 'learner-2', prompt: 1, completion: 1, code: '200', ms: 4000 },
  { at: '2025-06-01T11:58:10Z', user: 'alice', sub: 'learner-1', prompt: 10, completion: 20, code: '200', ms: 120 },
  { at: '2025-06-01T11:58:40Z', user: 'bob', sub: 'learner-2', prompt: 5, completion: 15, code: '200', ms: 80 },
  { at: '2025-06-01T11:59:30Z', user: 'alice', sub: 'learner-1', prompt: 7, completion: 3, code: '429', ms: 300 },
];

/** Sends the fixture's calls through the telemetry sink, as the gateway does. */
export function loadFixture(telemetry: MemoryTelemetry): void {
  CALLS.forEach((call, index) => {
    const time = Date.parse(call.at);
    const dimensions = { 'API ID': 'openai', 'Subscription ID': call.sub, 'User ID': call.user };
    const metric = (name: string, value: number) =>
      telemetry.sink.track({ kind: 'metric', time, instrumentationKey: 'key-1', name, namespace: 'AzureOpenAI', value, dimensions });
    metric('Prompt Tokens', call.prompt);
    metric('Completion Tokens', call.completion);
    metric('Total Tokens', call.prompt + call.completion);
    telemetry.sink.track({
      kind: 'request', time, instrumentationKey: 'key-1', name: 'POST /openai/deployments/{deployment-id}/chat/completions',
      url: 'https://127.0.0.1:47443/apim/apim-course/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21',
      resultCode: call.code, durationMs: call.ms, success: call.code === '200', operationId: `op-${index}`, dimensions: { 'API ID': 'openai' },
    });
  });
  telemetry.sink.track({ kind: 'metric', time: Date.parse('2025-06-01T11:59:00Z'), instrumentationKey: 'key-2', name: 'Total Tokens', namespace: 'AzureOpenAI', value: 99, dimensions: { 'User ID': 'dave' } });
}

export interface Fixture {
  telemetry: MemoryTelemetry;
  log: string[];
  /** Classic tables of ai-course plus the workspace tables of log-course, as one source. */
  source: KqlSource;
  tables: Record<string, KqlTable>;
}

export function fixture(): Fixture {
  const log: string[] = [];
  const telemetry = createMemoryTelemetry({ resources: resourceView(fixtureResources()), now: () => NOW, ingestionDelayMs: 0, log: (m) => log.push(m) });
  loadFixture(telemetry);
  const app = telemetry.appSource('app-1');
  const workspace = telemetry.workspaceSource('ws-cust-1');
  const source: KqlSource = { table: (name) => app.table(name) ?? workspace.table(name) };
  const tables: Record<string, KqlTable> = {};
  for (const name of ['customMetrics', 'requests', 'AppMetrics', 'AppRequests']) tables[name] = source.table(name)!;
  return { telemetry, log, source, tables };
}
