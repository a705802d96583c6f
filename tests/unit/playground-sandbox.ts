/**
 * The playground's setup made for real in a fresh sandbox through ARM, with the same names, keys
 * and settings the page uses, so that the same request can go to both and the answers be compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArmResource } from '../../labs/sandbox/core/resources.ts';
import { ids, OPENAI_USER_ROLE_ID } from '../../src/components/PolicyPlayground/playgroundResources.ts';
import { PLAYGROUND_NAMES as N, SUBSCRIPTION_PRESETS } from '../../src/components/PolicyPlayground/presets.ts';
import { httpsRaw, startTestSandbox, type RawResponse, type TestSandbox } from '../sandbox/arm-harness.ts';

const SPEC = readFileSync(new URL('../../labs/specs/azure-openai-inference.json', import.meta.url), 'utf8');

export interface SandboxTwin {
  t: TestSandbox;
  /** A playground resource id rewritten for the sandbox's subscription. */
  idFor(playgroundId: string): string;
  arm(method: string, playgroundId: string, apiVersion: string, body?: unknown): Promise<RawResponse>;
  gateway(method: string, path: string, query: URLSearchParams, headers: Record<string, string>, body: string): Promise<RawResponse>;
  /** Runs KQL through the Logs query API against the component's app (classic tables). */
  query(kql: string): Promise<RawResponse>;
  /** Every resource as the sandbox's store holds it (secrets included). */
  stored(): ArmResource[];
  close(): Promise<void>;
}

async function ok(answer: Promise<RawResponse>, what: string): Promise<RawResponse> {
  const response = await answer;
  if (response.status >= 300) throw new Error(`${what} failed: ${response.status} ${response.text}`);
  return response;
}

export async function startSandboxTwin(policyXml: string): Promise<SandboxTwin> {
  const t = await startTestSandbox({ quiet: true, ingestionDelayMs: 0 });
  const idFor = (id: string) => id.replace(`/subscriptions/${N.subscriptionId}`, `/subscriptions/${t.subscriptionId}`);
  const arm = (method: string, id: string, apiVersion: string, body?: unknown) => t.raw(method, `${idFor(id)}?api-version=${apiVersion}`, body === undefined ? {} : { body });
  const apim = '2024-05-01';

  await ok(arm('PUT', ids.resourceGroup, '2021-04-01', { location: N.location }), 'resource group');
  await ok(arm('PUT', ids.workspace, '2025-02-01', { location: N.location, properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 } }), 'workspace');
  const component = await ok(
    arm('PUT', ids.appInsights, '2020-02-02', {
      location: N.location,
      kind: 'web',
      properties: { Application_Type: 'web', WorkspaceResourceId: idFor(ids.workspace), IngestionMode: 'LogAnalytics', CustomMetricsOptedInType: 'WithDimensions' },
    }),
    'Application Insights',
  );
  await ok(
    arm('PUT', ids.openAiAccount, '2025-09-01', {
      location: N.location,
      kind: 'OpenAI',
      sku: { name: 'S0' },
      properties: { customSubDomainName: N.openAiSubdomain, publicNetworkAccess: 'Enabled' },
    }),
    'Azure OpenAI account',
  );
  await ok(
    arm('PUT', ids.deployment, '2025-09-01', {
      sku: { name: 'GlobalStandard', capacity: 10 },
      properties: { model: { format: 'OpenAI', name: N.modelName, version: N.modelVersion } },
    }),
    'deployment',
  );
  await ok(
    arm('PUT', ids.apim, apim, {
      location: N.location,
      sku: { name: 'BasicV2', capacity: 1 },
      identity: { type: 'SystemAssigned' },
      properties: { publisherEmail: 'apim-lab@example.com', publisherName: 'Token monitoring lab' },
    }),
    'API Management service',
  );
  const service = await ok(arm('GET', ids.apim, apim), 'API Management service');
  const account = await ok(arm('GET', ids.openAiAccount, '2025-09-01'), 'Azure OpenAI account');
  await ok(
    arm('PUT', ids.roleAssignment, '2022-04-01', {
      properties: {
        roleDefinitionId: `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE_ID}`,
        principalId: service.json.identity.principalId,
        principalType: 'ServicePrincipal',
      },
    }),
    'role assignment',
  );
  const openAiUrl = `${String(account.json.properties.endpoint).replace(/\/+$/, '')}/openai`;
  await ok(
    arm('PUT', ids.api, apim, {
      properties: {
        format: 'openapi+json',
        value: SPEC,
        path: N.apiPath,
        displayName: 'Azure OpenAI',
        serviceUrl: openAiUrl,
        protocols: ['https'],
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' },
      },
    }),
    'API import',
  );
  await ok(arm('PUT', ids.backend, apim, { properties: { url: openAiUrl, protocol: 'http', description: 'Azure OpenAI' } }), 'backend');
  await ok(
    arm('PUT', ids.logger, apim, {
      properties: {
        loggerType: 'applicationInsights',
        description: 'Application Insights for token metrics',
        credentials: { instrumentationKey: component.json.properties.InstrumentationKey },
        isBuffered: false,
        resourceId: idFor(ids.appInsights),
      },
    }),
    'logger',
  );
  await ok(
    arm('PUT', ids.apiDiagnostic, apim, {
      properties: {
        loggerId: idFor(ids.logger),
        alwaysLog: 'allErrors',
        sampling: { samplingType: 'fixed', percentage: 100 },
        verbosity: 'information',
        logClientIp: true,
        httpCorrelationProtocol: 'W3C',
        metrics: true,
      },
    }),
    'diagnostic',
  );
  for (const preset of SUBSCRIPTION_PRESETS) {
    await ok(
      arm('PUT', ids.subscription(preset.sid), apim, {
        properties: { scope: preset.scope, displayName: preset.displayName, state: 'active', primaryKey: preset.primaryKey, secondaryKey: preset.secondaryKey },
      }),
      `subscription ${preset.sid}`,
    );
  }
  await ok(arm('PUT', ids.apiPolicy, apim, { properties: { format: 'rawxml', value: policyXml } }), 'policy');

  const gatewayUrl = String(service.json.properties.gatewayUrl);
  const appId = String(component.json.properties.AppId);
  return {
    t,
    idFor,
    arm,
    gateway: (method, path, query, headers, body) => {
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      return httpsRaw(t.sandbox.url, t.ca, method, `${new URL(gatewayUrl).pathname}${path}${suffix}`, body === '' ? undefined : body, headers);
    },
    query: async (kql) => {
      const token = (await t.credential.getToken('https://api.loganalytics.io/.default')).token;
      return httpsRaw(t.sandbox.url, t.ca, 'POST', `/v1/apps/${appId}/query`, JSON.stringify({ query: kql }), { authorization: `Bearer ${token}` });
    },
    stored: () => Object.values((JSON.parse(readFileSync(join(t.sandbox.stateDir, 'resources.json'), 'utf8')) as { resources: Record<string, ArmResource> }).resources),
    close: () => t.close(),
  };
}
