/**
 * An in-memory APIM service in front of an Azure OpenAI account, for driving the gateway engine
 * directly (as the browser playground does): resources, the real sandbox model as the backend,
 * managed-identity tokens the model can verify, and the telemetry items the gateway sends.
 */
import type { SandboxRequest, SandboxResponse } from '../../labs/sandbox/core/exchange.ts';
import { resourceKey, type ArmResource, type ResourceView } from '../../labs/sandbox/core/resources.ts';
import type { TelemetryItem } from '../../labs/sandbox/core/telemetry.ts';
import { createGateway, type Gateway } from '../../labs/sandbox/gateway/index.ts';
import { createModel, splitModelUrl } from '../../labs/sandbox/model/index.ts';

export class MemoryResources implements ResourceView {
  readonly items = new Map<string, ArmResource>();
  put(resource: ArmResource): ArmResource {
    this.items.set(resourceKey(resource.id), resource);
    return resource;
  }
  remove(id: string): void {
    this.items.delete(resourceKey(id));
  }
  get(id: string): ArmResource | undefined {
    return this.items.get(resourceKey(id));
  }
  children(parentId: string, childType: string): ArmResource[] {
    const prefix = `${resourceKey(parentId)}/${childType.toLowerCase()}/`;
    return [...this.items.values()].filter((r) => {
      const key = resourceKey(r.id);
      return key.startsWith(prefix) && !key.slice(prefix.length).includes('/');
    });
  }
  ofType(type: string): ArmResource[] {
    return [...this.items.values()].filter((r) => r.type.toLowerCase() === type.toLowerCase());
  }
}

export const GROUP = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/lab';
export const SERVICE_ID = `${GROUP}/providers/Microsoft.ApiManagement/service/apim-lab`;
export const ACCOUNT_ID = `${GROUP}/providers/Microsoft.CognitiveServices/accounts/aoai-lab`;
export const API_ID = `${SERVICE_ID}/apis/openai`;
export const APIM_PRINCIPAL = '11111111-2222-3333-4444-555555555555';
export const LEARNER_KEY = 'learner-key-0001';
export const MASTER_KEY = 'master-key-0001';
export const IKEY = '9c2bd6a3-0000-4000-8000-00000000beef';
export const CHAT_PATH = '/openai/deployments/gpt-4o-mini/chat/completions';

export const BASE_POLICY = `<policies>
  <inbound>
    <base />
    <authentication-managed-identity resource="https://cognitiveservices.azure.com" />
    <set-backend-service backend-id="openai-backend" />
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>`;

export function withInbound(extra: string, base = BASE_POLICY): string {
  return base.replace('<set-backend-service backend-id="openai-backend" />', `<set-backend-service backend-id="openai-backend" />\n${extra}`);
}

export interface Lab {
  resources: MemoryResources;
  gateway: Gateway;
  telemetry: TelemetryItem[];
  logs: string[];
  forwarded: Array<{ url: string; req: SandboxRequest }>;
  clock: { now: number };
  setPolicy(xml: string, ownerId?: string): void;
  call(options?: { path?: string; method?: string; key?: string | null; keyHeader?: string; body?: unknown; query?: Record<string, string>; headers?: Record<string, string> }): Promise<SandboxResponse & { text: string }>;
}

export function chatBody(content = 'Say hello to the class.', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { messages: [{ role: 'user', content }], max_tokens: 20, ...extra };
}

export function createLab(options: { diagnostic?: boolean; metrics?: boolean; withLogger?: boolean } = {}): Lab {
  const resources = new MemoryResources();
  const telemetry: TelemetryItem[] = [];
  const logs: string[] = [];
  const forwarded: Lab['forwarded'] = [];
  const clock = { now: Date.UTC(2026, 0, 5, 10, 0, 0) };
  resources.put({
    id: SERVICE_ID, name: 'apim-lab', type: 'Microsoft.ApiManagement/service', location: 'West Europe',
    identity: { type: 'SystemAssigned', principalId: APIM_PRINCIPAL, tenantId: 't' },
    properties: { gatewayUrl: 'https://127.0.0.1:47443/apim/apim-lab', publisherEmail: 'teacher@example.com' },
  });
  resources.put({
    id: `${SERVICE_ID}/subscriptions/master`, name: 'master', type: 'Microsoft.ApiManagement/service/subscriptions',
    properties: { scope: `${SERVICE_ID}/`, state: 'active', ownerId: `${SERVICE_ID}/users/1`, displayName: 'Built-in all-access subscription' },
    secrets: { primaryKey: MASTER_KEY, secondaryKey: 'master-key-0002' },
  });
  resources.put({
    id: `${SERVICE_ID}/subscriptions/learner-1`, name: 'learner-1', type: 'Microsoft.ApiManagement/service/subscriptions',
    properties: { scope: '/apis/openai', state: 'active', displayName: 'Learner One' },
    secrets: { primaryKey: LEARNER_KEY, secondaryKey: 'learner-key-0002' },
  });
  resources.put({
    id: API_ID, name: 'openai', type: 'Microsoft.ApiManagement/service/apis',
    properties: { displayName: 'Azure OpenAI', path: 'openai', subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' }, protocols: ['https'] },
  });
  resources.put({
    id: `${API_ID}/operations/ChatCompletions_Create`, name: 'ChatCompletions_Create', type: 'Microsoft.ApiManagement/service/apis/operations',
    properties: { method: 'POST', urlTemplate: '/deployments/{deployment-id}/chat/completions?api-version={api-version}', displayName: 'Creates a completion for the chat message' },
  });
  resources.put({
    id: `${API_ID}/operations/embeddings_create`, name: 'embeddings_create', type: 'Microsoft.ApiManagement/service/apis/operations',
    properties: { method: 'POST', urlTemplate: '/deployments/{deployment-id}/embeddings?api-version={api-version}', displayName: 'Get embeddings' },
  });
  resources.put({
    id: `${SERVICE_ID}/backends/openai-backend`, name: 'openai-backend', type: 'Microsoft.ApiManagement/service/backends',
    properties: { url: 'https://127.0.0.1:47443/aoai/aoai-lab/openai', protocol: 'http' },
  });
  resources.put({
    id: ACCOUNT_ID, name: 'aoai-lab', type: 'Microsoft.CognitiveServices/accounts', kind: 'OpenAI', sku: { name: 'S0' },
    properties: { customSubDomainName: 'aoai-lab', endpoint: 'https://127.0.0.1:47443/aoai/aoai-lab/' }, secrets: { key1: 'aoai-key-1', key2: 'aoai-key-2' },
  });
  resources.put({
    id: `${ACCOUNT_ID}/deployments/gpt-4o-mini`, name: 'gpt-4o-mini', type: 'Microsoft.CognitiveServices/accounts/deployments', sku: { name: 'GlobalStandard', capacity: 10_000 },
    properties: { model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' }, provisioningState: 'Succeeded' },
  });
  resources.put({
    id: `${ACCOUNT_ID}/deployments/text-embedding-3-small`, name: 'text-embedding-3-small', type: 'Microsoft.CognitiveServices/accounts/deployments', sku: { name: 'Standard', capacity: 1000 },
    properties: { model: { format: 'OpenAI', name: 'text-embedding-3-small', version: '1' }, provisioningState: 'Succeeded' },
  });
  resources.put({
    id: `${ACCOUNT_ID}/providers/Microsoft.Authorization/roleAssignments/aaaaaaaa-0000-0000-0000-000000000001`, name: 'aaaaaaaa-0000-0000-0000-000000000001',
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { principalId: APIM_PRINCIPAL, roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd', scope: ACCOUNT_ID },
  });
  if (options.withLogger !== false) {
    resources.put({
      id: `${SERVICE_ID}/loggers/appinsights-logger`, name: 'appinsights-logger', type: 'Microsoft.ApiManagement/service/loggers',
      properties: { loggerType: 'applicationInsights', credentials: { instrumentationKey: '{{Logger-Credentials--abc}}' } },
    });
    resources.put({
      id: `${SERVICE_ID}/namedValues/Logger-Credentials--abc`, name: 'Logger-Credentials--abc', type: 'Microsoft.ApiManagement/service/namedValues',
      properties: { displayName: 'Logger-Credentials--abc', secret: true }, secrets: { value: IKEY },
    });
  }
  if (options.diagnostic !== false) {
    resources.put({
      id: `${API_ID}/diagnostics/applicationinsights`, name: 'applicationinsights', type: 'Microsoft.ApiManagement/service/apis/diagnostics',
      properties: { loggerId: `${SERVICE_ID}/loggers/appinsights-logger`, metrics: options.metrics !== false, alwaysLog: 'allErrors' },
    });
  }

  const verifyBearer = (token: string) => {
    const match = /^mi\.([^.]+)\.(.+)$/.exec(token);
    return match ? { principalId: match[1], audience: match[2] } : undefined;
  };
  const model = createModel({ resources, verifyBearer, now: () => clock.now, sleep: async () => {} });
  const gateway = createGateway({
    resources,
    telemetry: { track: (item) => telemetry.push(item) },
    forward: async (url, req) => {
      forwarded.push({ url, req });
      const target = splitModelUrl(url);
      if (!target) throw new Error(`connect ECONNREFUSED ${url}`);
      return model.handle(target.subdomain, { ...req, path: target.path, query: target.query });
    },
    managedIdentityToken: async (principalId, resource) => `mi.${principalId}.${resource}`,
    now: () => clock.now,
    log: (message) => logs.push(message),
  });

  const setPolicy = (xml: string, ownerId = API_ID) => {
    resources.put({ id: `${ownerId}/policies/policy`, name: 'policy', type: 'Microsoft.ApiManagement/service/apis/policies', properties: { format: 'rawxml', value: xml } });
  };
  setPolicy(BASE_POLICY);

  const call: Lab['call'] = async (o = {}) => {
    const query = new URLSearchParams({ 'api-version': '2024-10-21', ...(o.query ?? {}) });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.headers ?? {}) };
    if (o.key !== null) headers[(o.keyHeader ?? 'api-key').toLowerCase()] = o.key ?? LEARNER_KEY;
    const response = await gateway.handle('apim-lab', {
      method: o.method ?? 'POST', path: o.path ?? CHAT_PATH, query, headers, body: JSON.stringify(o.body ?? chatBody()), ip: '203.0.113.7',
    });
    let text = response.body ?? '';
    if (response.stream) for await (const piece of response.stream) text += piece;
    return { ...response, text };
  };
  return { resources, gateway, telemetry, logs, forwarded, clock, setPolicy, call };
}

export function metricsNamed(items: TelemetryItem[], name: string) {
  return items.filter((item) => item.kind === 'metric' && item.name === name) as Array<Extract<TelemetryItem, { kind: 'metric' }>>;
}
