/**
 * A complete course setup in a fresh sandbox, made through the Azure SDK clients as the labs make
 * it: Azure OpenAI account and deployment, Log Analytics workspace and Application Insights
 * component, an API Management service whose identity may call the account, the `openai` API
 * imported from the inference spec (keys renamed to `api-key`), a backend, a logger, the
 * `applicationinsights` diagnostic, a learner subscription and the API policy. Then an
 * `AzureOpenAI` client pointed at the gateway, and a Logs client for reading the metrics back.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { AzureOpenAI } from 'openai';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';

export const API_VERSION = '2024-10-21';
const OPENAI_USER_ROLE = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';
const GROUP = 'rg-gateway-test';
const LOCATION = 'swedencentral';
const SERVICE = 'apim-gateway-test';

export const TOKEN_METRICS_POLICY = readFileSync(new URL('../../labs/policies/openai-api-token-metrics.xml', import.meta.url), 'utf8');

export interface GatewayLab {
  t: TestSandbox;
  gatewayUrl: string;
  /** The ARM id of the `openai` API's policy. */
  gatewayApiPolicyId: string;
  accountEndpoint: string;
  accountKey: string;
  subscriptionKey: string;
  masterKey: string;
  customerId: string;
  componentId: string;
  dispatcher: unknown;
  /** An AzureOpenAI client for the gateway (or another endpoint/key). */
  client(options?: { apiKey?: string; endpoint?: string; maxRetries?: number }): AzureOpenAI;
  setPolicy(xml: string): Promise<void>;
  setDiagnostic(properties: { metrics: boolean } | undefined): Promise<void>;
  setWithDimensions(on: boolean): Promise<void>;
  /** Runs KQL against the workspace (AppMetrics, AppRequests). */
  query(kql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

export async function startGatewayLab(options: { capacity?: number; modelLatency?: { firstTokenMs: number; tokensPerSecond: number } } = {}): Promise<GatewayLab> {
  const t = await startTestSandbox({ modelLatency: options.modelLatency });
  const { Agent } = await import('undici');
  // Generous timeouts: a loaded test machine may take seconds to finish 50 TLS handshakes at once.
  const dispatcher = new Agent({ connect: { ca: t.ca, timeout: 120_000 }, connections: 128, headersTimeout: 300_000, bodyTimeout: 300_000 });
  const sub = t.subscriptionId;
  await t.resources.resourceGroups.createOrUpdate(GROUP, { location: LOCATION });

  const account = await t.cognitive.accounts.beginCreateAndWait(GROUP, 'aoai-gateway-test', {
    location: LOCATION, kind: 'OpenAI', sku: { name: 'S0' },
    properties: { customSubDomainName: `aoai-gw-${randomUUID().slice(0, 8)}`, publicNetworkAccess: 'Enabled' },
  });
  await t.cognitive.deployments.beginCreateOrUpdateAndWait(GROUP, 'aoai-gateway-test', 'gpt-4o-mini', {
    sku: { name: 'GlobalStandard', capacity: options.capacity ?? 1000 },
    properties: { model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' } },
  });
  const accountKey = (await t.cognitive.accounts.listKeys(GROUP, 'aoai-gateway-test')).key1!;

  const workspace = await t.workspaces.workspaces.beginCreateOrUpdateAndWait(GROUP, 'log-gateway-test', { location: LOCATION, sku: { name: 'PerGB2018' } });
  const componentId = `/subscriptions/${sub}/resourceGroups/${GROUP}/providers/Microsoft.Insights/components/appi-gateway-test`;
  const putComponent = async (withDimensions: boolean) => {
    const answer = await t.raw('PUT', `${componentId}?api-version=2020-02-02`, {
      body: {
        location: LOCATION, kind: 'web',
        properties: { Application_Type: 'web', WorkspaceResourceId: workspace.id, IngestionMode: 'LogAnalytics', CustomMetricsOptedInType: withDimensions ? 'WithDimensions' : 'WithoutDimensions' },
      },
    });
    if (answer.status >= 300) throw new Error(`component PUT failed: ${answer.status} ${answer.text}`);
    return answer.json;
  };
  const component = await putComponent(true);

  const service = await t.apim.apiManagementService.beginCreateOrUpdateAndWait(GROUP, SERVICE, {
    location: LOCATION, sku: { name: 'BasicV2', capacity: 1 }, identity: { type: 'SystemAssigned' },
    publisherEmail: 'teacher@example.com', publisherName: 'Course',
  });
  await t.authorization.roleAssignments.create(account.id!.replace(/^\//, ''), randomUUID(), {
    roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE}`,
    principalId: service.identity!.principalId!, principalType: 'ServicePrincipal',
  });
  await t.apim.api.beginCreateOrUpdateAndWait(GROUP, SERVICE, 'openai', {
    displayName: 'Azure OpenAI', path: 'openai', protocols: ['https'], format: 'openapi+json',
    value: readFileSync(new URL('../../labs/specs/azure-openai-inference.json', import.meta.url), 'utf8'),
    subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' },
  });
  await t.apim.backend.createOrUpdate(GROUP, SERVICE, 'openai-backend', { url: `${account.properties!.endpoint!.replace(/\/$/, '')}/openai`, protocol: 'http' });
  const logger = await t.apim.logger.createOrUpdate(GROUP, SERVICE, 'appinsights-logger', {
    loggerType: 'applicationInsights', credentials: { instrumentationKey: component.properties.InstrumentationKey }, resourceId: componentId, isBuffered: false,
  });
  const subscription = await t.apim.subscription.createOrUpdate(GROUP, SERVICE, 'learner-1', { scope: '/apis/openai', displayName: 'Learner One', state: 'active' });
  const subscriptionKey = (await t.apim.subscription.listSecrets(GROUP, SERVICE, subscription.name!)).primaryKey!;
  const masterKey = (await t.apim.subscription.listSecrets(GROUP, SERVICE, 'master')).primaryKey!;

  const setDiagnostic: GatewayLab['setDiagnostic'] = async (properties) => {
    if (properties === undefined) {
      await t.apim.apiDiagnostic.delete(GROUP, SERVICE, 'openai', 'applicationinsights', '*');
      return;
    }
    await t.apim.apiDiagnostic.createOrUpdate(GROUP, SERVICE, 'openai', 'applicationinsights', {
      loggerId: logger.id!, alwaysLog: 'allErrors', sampling: { samplingType: 'fixed', percentage: 100 }, verbosity: 'information', metrics: properties.metrics,
    });
  };
  await setDiagnostic({ metrics: true });
  const setPolicy: GatewayLab['setPolicy'] = async (xml) => {
    await t.apim.apiPolicy.createOrUpdate(GROUP, SERVICE, 'openai', 'policy', { format: 'rawxml', value: xml });
  };
  await setPolicy(TOKEN_METRICS_POLICY);

  const logs = new LogsQueryClient(t.credential, { endpoint: `${t.sandbox.url}/v1`, tlsOptions: { ca: t.ca } } as ConstructorParameters<typeof LogsQueryClient>[1]);
  const customerId = workspace.customerId!;
  return {
    t,
    gatewayUrl: service.gatewayUrl!,
    gatewayApiPolicyId: `${service.id}/apis/openai/policies/policy`,
    accountEndpoint: account.properties!.endpoint!,
    accountKey,
    subscriptionKey,
    masterKey,
    customerId,
    componentId,
    dispatcher,
    client: (o = {}) =>
      new AzureOpenAI({
        endpoint: o.endpoint ?? service.gatewayUrl!, apiKey: o.apiKey ?? subscriptionKey, apiVersion: API_VERSION, maxRetries: o.maxRetries ?? 0,
        fetchOptions: { dispatcher } as never,
      }),
    setPolicy,
    setDiagnostic,
    setWithDimensions: async (on) => {
      await putComponent(on);
    },
    query: async (kql) => {
      const result = await logs.queryWorkspace(customerId, kql, { duration: 'PT1H' });
      if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query failed: ${JSON.stringify(result)}`);
      return result.tables[0].rows;
    },
    close: async () => {
      await (dispatcher as { close(): Promise<void> }).close();
      await t.close();
    },
  };
}
