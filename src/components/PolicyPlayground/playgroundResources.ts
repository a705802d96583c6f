/**
 * The Azure resources behind the playground, as ARM holds them after the lab steps ran: the Log
 * Analytics workspace and Application Insights component, the Azure OpenAI account with its
 * deployment and APIM's role on it, and the APIM service with the openai API (operations from
 * labs/specs/azure-openai-inference.json), backend, logger, diagnostic, subscriptions and policy.
 *
 * The shapes are the sandbox ARM store's, so the sandbox's gateway, model and telemetry read them
 * exactly as they read the sandbox's own.
 */
import type { ArmResource } from '../../../labs/sandbox/core/resources.ts';
import inferenceSpec from '../../../labs/specs/azure-openai-inference.json';
import { PLAYGROUND_NAMES as N, SUBSCRIPTION_PRESETS } from './presets.ts';

/** The role APIM's identity needs on the Azure OpenAI account. */
export const OPENAI_USER_ROLE_ID = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';

/** The origin that stands in for Azure's hosts inside the page (never contacted). */
export const PLAYGROUND_ORIGIN = 'https://playground.invalid';

const subscription = `/subscriptions/${N.subscriptionId}`;
const group = `${subscription}/resourceGroups/${N.resourceGroup}`;

export const ids = {
  resourceGroup: group,
  workspace: `${group}/providers/Microsoft.OperationalInsights/workspaces/${N.workspace}`,
  appInsights: `${group}/providers/Microsoft.Insights/components/${N.appInsights}`,
  openAiAccount: `${group}/providers/Microsoft.CognitiveServices/accounts/${N.openAiAccount}`,
  deployment: `${group}/providers/Microsoft.CognitiveServices/accounts/${N.openAiAccount}/deployments/${N.deployment}`,
  roleAssignment: `${group}/providers/Microsoft.CognitiveServices/accounts/${N.openAiAccount}/providers/Microsoft.Authorization/roleAssignments/${N.roleAssignmentName}`,
  apim: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}`,
  api: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/apis/${N.apiId}`,
  apiPolicy: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/apis/${N.apiId}/policies/policy`,
  apiDiagnostic: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/apis/${N.apiId}/diagnostics/applicationinsights`,
  backend: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/backends/${N.backendId}`,
  logger: `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/loggers/${N.loggerId}`,
  subscription: (sid: string) => `${group}/providers/Microsoft.ApiManagement/service/${N.apimService}/subscriptions/${sid}`,
};

export const gatewayUrl = `${PLAYGROUND_ORIGIN}/apim/${N.apimService}`;
export const openAiEndpoint = `${PLAYGROUND_ORIGIN}/aoai/${N.openAiSubdomain}/`;

const CREATED = '2026-01-05T09:00:00.000Z';

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: Array<{ name?: string; in?: string; required?: boolean }>;
}

/** The API's operations, one per operation of the OpenAPI document, as an import creates them. */
function apiOperations(): ArmResource[] {
  const paths = (inferenceSpec as { paths: Record<string, Record<string, OpenApiOperation>> }).paths;
  const operations: ArmResource[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation.operationId === undefined) continue;
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}={${p.name}}`);
      operations.push({
        id: `${ids.api}/operations/${operation.operationId}`,
        name: operation.operationId,
        type: 'Microsoft.ApiManagement/service/apis/operations',
        properties: {
          displayName: operation.summary ?? operation.operationId,
          method: method.toUpperCase(),
          urlTemplate: query.length > 0 ? `${path}?${query.join('&')}` : path,
          templateParameters: (operation.parameters ?? [])
            .filter((p) => p.in === 'path' || (p.in === 'query' && p.required))
            .map((p) => ({ name: p.name, required: true, type: 'string', values: [] })),
          description: operation.description ?? '',
          responses: [],
          policies: null,
        },
      });
    }
  }
  return operations;
}

/** Every resource of the playground, with `policyXml` as the openai API's policy. */
export function playgroundResources(policyXml: string): ArmResource[] {
  return [
    {
      id: ids.resourceGroup,
      name: N.resourceGroup,
      type: 'Microsoft.Resources/resourceGroups',
      location: N.location,
      properties: { provisioningState: 'Succeeded' },
    },
    {
      id: ids.workspace,
      name: N.workspace,
      type: 'Microsoft.OperationalInsights/workspaces',
      location: N.location,
      properties: {
        customerId: N.workspaceCustomerId,
        provisioningState: 'Succeeded',
        sku: { name: 'PerGB2018' },
        retentionInDays: 30,
        publicNetworkAccessForIngestion: 'Enabled',
        publicNetworkAccessForQuery: 'Enabled',
      },
    },
    {
      id: ids.appInsights,
      name: N.appInsights,
      type: 'Microsoft.Insights/components',
      location: N.location,
      kind: 'web',
      properties: {
        ApplicationId: N.appInsights,
        AppId: N.appInsightsAppId,
        Application_Type: 'web',
        Flow_Type: 'Bluefield',
        Request_Source: 'rest',
        InstrumentationKey: N.instrumentationKey,
        ConnectionString: `InstrumentationKey=${N.instrumentationKey}`,
        CreationDate: CREATED,
        TenantId: N.subscriptionId,
        provisioningState: 'Succeeded',
        SamplingPercentage: 100,
        WorkspaceResourceId: ids.workspace,
        IngestionMode: 'LogAnalytics',
        CustomMetricsOptedInType: 'WithDimensions',
      },
    },
    {
      id: ids.openAiAccount,
      name: N.openAiAccount,
      type: 'Microsoft.CognitiveServices/accounts',
      location: N.location,
      kind: 'OpenAI',
      sku: { name: 'S0' },
      identity: { type: 'SystemAssigned', principalId: N.openAiPrincipalId, tenantId: N.tenantId },
      properties: {
        customSubDomainName: N.openAiSubdomain,
        endpoint: openAiEndpoint,
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
      },
      secrets: { key1: 'f1e2d3c4b5a69788796a5b4c3d2e1f00', key2: '00f1e2d3c4b5a69788796a5b4c3d2e1f' },
    },
    {
      id: ids.deployment,
      name: N.deployment,
      type: 'Microsoft.CognitiveServices/accounts/deployments',
      sku: { name: 'GlobalStandard', capacity: 10 },
      properties: {
        model: { format: 'OpenAI', name: N.modelName, version: N.modelVersion },
        provisioningState: 'Succeeded',
      },
    },
    {
      id: ids.roleAssignment,
      name: N.roleAssignmentName,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE_ID}`,
        principalId: N.apimPrincipalId,
        principalType: 'ServicePrincipal',
        scope: ids.openAiAccount,
      },
    },
    {
      id: ids.apim,
      name: N.apimService,
      type: 'Microsoft.ApiManagement/service',
      location: N.location,
      sku: { name: 'BasicV2', capacity: 1 },
      identity: { type: 'SystemAssigned', principalId: N.apimPrincipalId, tenantId: N.tenantId },
      properties: {
        publisherEmail: 'apim-lab@example.com',
        publisherName: 'Token monitoring lab',
        provisioningState: 'Succeeded',
        targetProvisioningState: '',
        createdAtUtc: CREATED,
        gatewayUrl,
        virtualNetworkType: 'None',
        publicNetworkAccess: 'Enabled',
      },
    },
    {
      id: ids.api,
      name: N.apiId,
      type: 'Microsoft.ApiManagement/service/apis',
      properties: {
        displayName: 'Azure OpenAI',
        description: 'Azure OpenAI inference API, imported from its OpenAPI document.',
        path: N.apiPath,
        protocols: ['https'],
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' },
        apiRevision: '1',
        isCurrent: true,
        type: 'http',
        apiType: 'http',
      },
    },
    ...apiOperations(),
    {
      id: ids.apiPolicy,
      name: 'policy',
      type: 'Microsoft.ApiManagement/service/apis/policies',
      properties: { format: 'rawxml', value: policyXml },
    },
    {
      id: ids.backend,
      name: N.backendId,
      type: 'Microsoft.ApiManagement/service/backends',
      properties: { url: `${openAiEndpoint}openai`, protocol: 'http', description: 'Azure OpenAI' },
    },
    {
      id: ids.logger,
      name: N.loggerId,
      type: 'Microsoft.ApiManagement/service/loggers',
      properties: {
        loggerType: 'applicationInsights',
        description: 'Application Insights for token metrics',
        credentials: { instrumentationKey: `{{Logger-Credentials--${N.loggerId}}}` },
        isBuffered: false,
        resourceId: ids.appInsights,
      },
      secrets: { instrumentationKey: N.instrumentationKey },
    },
    {
      id: ids.apiDiagnostic,
      name: 'applicationinsights',
      type: 'Microsoft.ApiManagement/service/apis/diagnostics',
      properties: {
        loggerId: ids.logger,
        alwaysLog: 'allErrors',
        sampling: { samplingType: 'fixed', percentage: 100 },
        verbosity: 'information',
        logClientIp: true,
        httpCorrelationProtocol: 'W3C',
        metrics: true,
      },
    },
    ...SUBSCRIPTION_PRESETS.map(
      (preset): ArmResource => ({
        id: ids.subscription(preset.sid),
        name: preset.sid,
        type: 'Microsoft.ApiManagement/service/subscriptions',
        properties: {
          scope: `${ids.apim}${preset.scope}`,
          displayName: preset.displayName,
          state: 'active',
          allowTracing: false,
          createdDate: CREATED,
        },
        secrets: { primaryKey: preset.primaryKey, secondaryKey: preset.secondaryKey },
      }),
    ),
  ];
}
