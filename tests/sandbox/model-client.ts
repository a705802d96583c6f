/**
 * The client side of the model's sandbox test, run as its own process with the sandbox's
 * environment (NODE_EXTRA_CA_CERTS, IDENTITY_ENDPOINT, ...) exactly as a lab step runs: it
 * creates an Azure OpenAI account with deployments through ARM, then calls the model with the
 * real `openai` package (`AzureOpenAI`, key and Entra auth) and prints one JSON report.
 */
import { randomUUID } from 'node:crypto';
import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { AzureOpenAI, OpenAI } from 'openai';

const API_VERSION = '2024-10-21';
const OPENAI_USER_ROLE = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';
const armEndpoint = process.env.LAB_ARM_ENDPOINT!;
const subscriptionId = process.env.AZURE_SUBSCRIPTION_ID!;
const group = 'rg-model-test';
const accountName = 'openai-model-test';
const subdomain = `openai-model-test-${randomUUID().slice(0, 8)}`;

/** The chat messages every call sends, given by the test as the first argument (JSON). */
const MESSAGES = JSON.parse(process.argv[2]) as Array<{ role: 'system' | 'user'; content: string }>;

type Outcome = { ok: true; value: unknown } | { ok: false; status?: number; code?: unknown; message: string; headers?: Record<string, string> };

async function attempt(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    const e = error as { status?: number; code?: unknown; message: string; headers?: Headers };
    return { ok: false, status: e.status, code: e.code, message: e.message, headers: e.headers ? Object.fromEntries(e.headers.entries()) : undefined };
  }
}

async function collectStream(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push({ ...(chunk as object), receivedAt: Date.now() });
  return chunks;
}

const credential = new DefaultAzureCredential();
const arm = { endpoint: armEndpoint };
const report: Record<string, Outcome | unknown> = {};

// Provision: a resource group, an Azure OpenAI account, a chat, a small and an embedding deployment.
await new ResourceManagementClient(credential, subscriptionId, arm).resourceGroups.createOrUpdate(group, { location: 'swedencentral' });
const cognitive = new CognitiveServicesManagementClient(credential, subscriptionId, arm);
const account = await cognitive.accounts.beginCreateAndWait(group, accountName, {
  location: 'swedencentral',
  kind: 'OpenAI',
  sku: { name: 'S0' },
  properties: { customSubDomainName: subdomain, publicNetworkAccess: 'Enabled' },
});
for (const [name, model, version, capacity] of [
  ['gpt-4o-mini', 'gpt-4o-mini', '2024-07-18', 30],
  ['tiny', 'gpt-4o-mini', '2024-07-18', 1],
  ['embed', 'text-embedding-3-small', '1', 30],
] as const) {
  await cognitive.deployments.beginCreateOrUpdateAndWait(group, accountName, name, {
    sku: { name: 'Standard', capacity },
    properties: { model: { format: 'OpenAI', name: model, version } },
  });
}
const keys = await cognitive.accounts.listKeys(group, accountName);
const endpoint = account.properties!.endpoint!;
report.endpoint = endpoint;

// Key authentication.
const client = new AzureOpenAI({ endpoint, apiKey: keys.key1!, apiVersion: API_VERSION, maxRetries: 0 });
report.plain = await attempt(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }));
report.plainAgain = await attempt(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }));
report.withHeaders = await attempt(async () => {
  const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
  return Object.fromEntries(response.headers.entries());
});
report.length = await attempt(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 7 }));
report.streamed = await attempt(async () => collectStream(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true })));
report.streamedWithUsage = await attempt(async () =>
  collectStream(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true, stream_options: { include_usage: true } })),
);
report.streamHelper = await attempt(async () => {
  const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: MESSAGES, stream_options: { include_usage: true } });
  return stream.finalChatCompletion();
});
const texts = ['Monitor tokens with API Management', 'Query customMetrics with KQL'];
report.embedDefault = await attempt(async () => {
  const result = await client.embeddings.create({ model: 'embed', input: texts });
  return { ...result, data: result.data.map((d) => ({ index: d.index, length: d.embedding.length, head: d.embedding.slice(0, 4) })) };
});
report.embedFloat = await attempt(async () => {
  const result = await client.embeddings.create({ model: 'embed', input: texts, encoding_format: 'float' });
  return { ...result, data: result.data.map((d) => ({ index: d.index, length: d.embedding.length, head: d.embedding.slice(0, 4) })) };
});
report.keyTwo = await attempt(() =>
  new AzureOpenAI({ endpoint, apiKey: keys.key2!, apiVersion: API_VERSION, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 3 }),
);

// The dateless v1 routes with the plain OpenAI client (the key goes as a bearer token).
const v1 = new OpenAI({ baseURL: `${endpoint}openai/v1/`, apiKey: keys.key1!, maxRetries: 0 });
report.v1Chat = await attempt(() => v1.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }));
report.v1Embed = await attempt(async () => {
  const result = await v1.embeddings.create({ model: 'embed', input: texts });
  return { ...result, data: result.data.map((d) => ({ index: d.index, length: d.embedding.length, head: d.embedding.slice(0, 4) })) };
});

// Errors, as the openai client surfaces them.
report.wrongKey = await attempt(() =>
  new AzureOpenAI({ endpoint, apiKey: 'wrong-key', apiVersion: API_VERSION, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }),
);
report.noDeployment = await attempt(() => client.chat.completions.create({ model: 'gpt-5-ultra', messages: MESSAGES }));
report.badVersion = await attempt(() =>
  new AzureOpenAI({ endpoint, apiKey: keys.key1!, apiVersion: '2099-01-01', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }),
);
report.emptyMessages = await attempt(() => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
report.quota = await (async () => {
  const answered: number[] = [];
  for (let i = 0; i < 20; i++) {
    const outcome = await attempt(() =>
      client.chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: `Request number ${i} about tokens` }], max_tokens: 900 }),
    );
    if (!outcome.ok) return { answered, refusal: outcome };
    answered.push((outcome.value as { usage: { total_tokens: number } }).usage.total_tokens);
  }
  return { answered, refusal: undefined };
})();

// Entra ID: DefaultAzureCredential through the sandbox's managed-identity endpoint.
const tokenProvider = getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default');
const entra = new AzureOpenAI({ endpoint, azureADTokenProvider: tokenProvider, apiVersion: API_VERSION, maxRetries: 0 });
report.entraWithoutRole = await attempt(() => entra.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }));
const token = await tokenProvider();
const principalId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).oid as string;
report.roleAssignment = await attempt(() =>
  new AuthorizationManagementClient(credential, subscriptionId, arm).roleAssignments.create(account.id!, randomUUID(), {
    roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE}`,
    principalId,
    principalType: 'User',
  }),
);
report.entraWithRole = await attempt(() => entra.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }));

console.log(JSON.stringify(report));
