/**
 * Shared setup for the model's unit tests: an in-memory ARM view holding one Azure OpenAI account
 * (keys, a chat and an embedding deployment, a role assignment) and a model on a fake clock.
 */
import { resourceKey, type ArmResource, type ResourceView } from '../../labs/sandbox/core/resources.ts';
import type { SandboxRequest, SandboxResponse } from '../../labs/sandbox/core/exchange.ts';
import { readResponseBody } from '../../labs/sandbox/core/exchange.ts';
import { createModel, type ModelLatency } from '../../labs/sandbox/model/index.ts';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.CognitiveServices/accounts/openai-lab`;
export const SUBDOMAIN = 'openai-lab-abc123';
export const KEY1 = 'k1-0123456789abcdef0123456789abcdef';
export const KEY2 = 'k2-0123456789abcdef0123456789abcdef';
export const ALLOWED_PRINCIPAL = '11111111-1111-4111-8111-111111111111';
export const OTHER_PRINCIPAL = '22222222-2222-4222-8222-222222222222';
export const API_VERSION = '2024-10-21';

export class MemoryResources implements ResourceView {
  readonly items = new Map<string, ArmResource>();
  put(resource: ArmResource): void {
    this.items.set(resourceKey(resource.id), resource);
  }
  get(id: string): ArmResource | undefined {
    return this.items.get(resourceKey(id));
  }
  children(parentId: string, childType: string): ArmResource[] {
    const prefix = `${resourceKey(parentId)}/${childType.toLowerCase()}/`;
    return [...this.items.entries()].filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/')).map(([, r]) => r);
  }
  ofType(type: string): ArmResource[] {
    return [...this.items.values()].filter((r) => r.type.toLowerCase() === type.toLowerCase());
  }
}

export function deployment(name: string, modelName: string, version: string, capacity: number, state = 'Succeeded'): ArmResource {
  return {
    id: `${ACCOUNT_ID}/deployments/${name}`,
    name,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    sku: { name: 'Standard', capacity },
    properties: { model: { format: 'OpenAI', name: modelName, version }, provisioningState: state },
  };
}

export function roleAssignment(scope: string, principalId: string, roleGuid: string): ArmResource {
  const name = `${principalId.slice(0, 8)}-${roleGuid.slice(0, 8)}-aaaa-4aaa-8aaa-aaaaaaaaaaaa`;
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId,
      scope,
    },
  };
}

export function labResources(): MemoryResources {
  const resources = new MemoryResources();
  resources.put({
    id: ACCOUNT_ID,
    name: 'openai-lab',
    type: 'Microsoft.CognitiveServices/accounts',
    kind: 'OpenAI',
    location: 'swedencentral',
    sku: { name: 'S0' },
    properties: { customSubDomainName: SUBDOMAIN, endpoint: `https://127.0.0.1/aoai/${SUBDOMAIN}/`, provisioningState: 'Succeeded' },
    secrets: { key1: KEY1, key2: KEY2 },
  });
  resources.put(deployment('gpt-4o-mini', 'gpt-4o-mini', '2024-07-18', 20));
  resources.put(deployment('tiny', 'gpt-4o-mini', '2024-07-18', 1));
  resources.put(deployment('gpt-35', 'gpt-35-turbo', '0125', 20));
  resources.put(deployment('o3-mini', 'o3-mini', '2025-01-31', 20));
  resources.put(deployment('embed', 'text-embedding-3-small', '1', 20));
  resources.put(deployment('ada', 'text-embedding-ada-002', '2', 20));
  resources.put(deployment('creating', 'gpt-4o', '2024-08-06', 20, 'Creating'));
  resources.put(roleAssignment(ACCOUNT_ID, ALLOWED_PRINCIPAL, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'));
  resources.put(roleAssignment(ACCOUNT_ID, OTHER_PRINCIPAL, 'b24988ac-6180-42a0-ab88-20f7382dd24c'));
  return resources;
}

/** Tokens `aoai:<principal>` verify with the Cognitive Services audience, `other:<principal>` with ARM's. */
export function verifyBearer(token: string): { principalId: string; audience: string } | undefined {
  const [kind, principalId] = token.split(':');
  if (kind === 'aoai') return { principalId, audience: 'https://cognitiveservices.azure.com' };
  if (kind === 'other') return { principalId, audience: 'https://management.azure.com' };
  return undefined;
}

export function labModel(options: { resources?: MemoryResources; latency?: ModelLatency } = {}) {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const sleeps: number[] = [];
  const resources = options.resources ?? labResources();
  const model = createModel({
    resources,
    verifyBearer,
    now: () => clock.now,
    latency: options.latency,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { model, clock, sleeps, resources };
}

export function post(path: string, body: unknown, headers: Record<string, string> = { 'api-key': KEY1 }, apiVersion: string | null = API_VERSION): SandboxRequest {
  const query = new URLSearchParams();
  if (apiVersion !== null) query.set('api-version', apiVersion);
  return {
    method: 'POST',
    path,
    query,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ip: '127.0.0.1',
  };
}

export const CHAT = '/openai/deployments/gpt-4o-mini/chat/completions';

export async function json(response: SandboxResponse): Promise<any> {
  return JSON.parse(await readResponseBody(response));
}

/** The `data:` payloads of a server-sent-event body, in order. */
export function ssePayloads(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      if (!block.startsWith('data: ')) throw new Error(`not an SSE data event: ${JSON.stringify(block)}`);
      return block.slice('data: '.length);
    });
}
