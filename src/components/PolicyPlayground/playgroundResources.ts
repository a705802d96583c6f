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

interface OpenApiParameter {
  name?: string;
  in?: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string };
}

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}

function templateParameter(parameter: OpenApiParameter) {
  return {
    name: String(parameter.name),
    ...(parameter.description !== undefined ? { description: parameter.description } : {}),
    type: parameter.schema?.type ?? 'string',
    required: parameter.required === true || parameter.in === 'path',
    values: [],
  };
}

/** The API's operations, as API Management (and the sandbox) create them when importing the OpenAPI document. */
function apiOperations(): ArmResource[] {
  const paths = (inferenceSpec as { paths: Record<string, Record<string, OpenApiOperation>> }).paths;
  const operations: ArmResource[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation.operationId === undefined) continue;
      const parameters = operation.parameters ?? [];
      const requiredQuery = parameters.filter((p) => p.in === 'query' && p.required === true);
      const query = requiredQuery.map((p) => `${p.name}={${p.name}}`).join('&');
      operations.push({
        id: `${ids.api}/operations/${operation.operationId}`,
        name: operation.operationId,
        type: 'Microsoft.ApiManagement/service/apis/operations',
        properties: {
          displayName: operation.summary?.trim() || operation.operationId,
          method: method.toUpperCase(),
          urlTemplate: query === '' ? path : `${path}?${query}`,
          templateParameters: [...parameters.filter((p) => p.in === 'path'), ...requiredQuery].map(templateParameter),
          ...(operation.description !== undefined ? { description: operation.description } : {}),
          request: {
            queryParameters: parameters.filter((p) => p.in === 'query' && p.required !== true).map(templateParameter),
            headers: parameters.filter((p) => p.in === 'header').map(templateParameter),
            representations: [],
          },
          responses: Object.entries(operation.responses ?? {})
            .filter(([code]) => /^\d{3}$/.test(code))
            .map(([code, response]) => ({
              statusCode: Number(code),
              description: response.description ?? '',
              representations: Object.keys(response.content ?? {}).map((contentType) => ({ contentType })),
              headers: [],
            })),
        },
      });
    }
  }
  return operations;
}

const LEARNER_PRINCIPAL_ID = '0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
const LOGGER_NAMED_VALUE = 'Logger-Credentials--5f1d2c3b4a5968778695a4b3';
const openAiUrl = `${openAiEndpoint}openai`;
const specInfo = (inferenceSpec as { info: { description?: string } }).info;

function apimSubscription(sid: string, displayName: string, scope: string, keys: { primaryKey: string; secondaryKey: string }, extra: Record<string, unknown> = {}): ArmResource {
  return {
    id: ids.subscription(sid),
    name: sid,
    type: 'Microsoft.ApiManagement/service/subscriptions',
    properties: { ...extra, scope, displayName, state: 'active', createdDate: CREATED, ...(sid === 'master' ? {} : { startDate: CREATED }), allowTracing: false },
    secrets: { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey },
  };
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
        sku: { name: 'PerGB2018', lastSkuUpdate: CREATED },
        retentionInDays: 30,
        customerId: N.workspaceCustomerId,
        provisioningState: 'Succeeded',
        features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
        workspaceCapping: { dailyQuotaGb: -1, quotaNextResetTime: CREATED, dataIngestionStatus: 'RespectQuota' },
        publicNetworkAccessForIngestion: 'Enabled',
        publicNetworkAccessForQuery: 'Enabled',
        createdDate: CREATED,
        modifiedDate: CREATED,
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
        Flow_Type: 'Bluefield',
        Request_Source: 'rest',
        RetentionInDays: 90,
        IngestionMode: 'LogAnalytics',
        publicNetworkAccessForIngestion: 'Enabled',
        publicNetworkAccessForQuery: 'Enabled',
        DisableIpMasking: false,
        Application_Type: 'web',
        WorkspaceResourceId: ids.workspace,
        CustomMetricsOptedInType: 'WithDimensions',
        InstrumentationKey: N.instrumentationKey,
        ConnectionString:
          `InstrumentationKey=${N.instrumentationKey};IngestionEndpoint=https://${N.location}-0.in.applicationinsights.azure.com/;` +
          `LiveEndpoint=https://${N.location}.livediagnostics.monitor.azure.com/;ApplicationId=${N.appInsightsAppId}`,
        CreationDate: CREATED,
        TenantId: N.subscriptionId,
        provisioningState: 'Succeeded',
      },
    },
    {
      id: ids.openAiAccount,
      name: N.openAiAccount,
      type: 'Microsoft.CognitiveServices/accounts',
      location: N.location,
      kind: 'OpenAI',
      sku: { name: 'S0' },
      properties: {
        customSubDomainName: N.openAiSubdomain,
        publicNetworkAccess: 'Enabled',
        endpoint: openAiEndpoint,
        endpoints: {
          'OpenAI Language Model Instance API': openAiEndpoint,
          'OpenAI Realtime API': openAiEndpoint.replace(/^https:/, 'wss:'),
        },
        internalId: '6b7c8d9e0f1a4b2c8d3e4f5a6b7c8d9e',
        dateCreated: CREATED,
        isMigrated: false,
        provisioningState: 'Succeeded',
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
        versionUpgradeOption: 'OnceNewDefaultVersionAvailable',
        raiPolicyName: 'Microsoft.DefaultV2',
        currentCapacity: 10,
        capabilities: { chatCompletion: 'true' },
        rateLimits: [
          { key: 'request', renewalPeriod: 10, count: 10 },
          { key: 'token', renewalPeriod: 60, count: 10000 },
        ],
        provisioningState: 'Succeeded',
      },
    },
    {
      id: ids.apim,
      name: N.apimService,
      type: 'Microsoft.ApiManagement/service',
      location: N.locationDisplayName,
      sku: { name: 'BasicV2', capacity: 1 },
      identity: { type: 'SystemAssigned', principalId: N.apimPrincipalId, tenantId: N.tenantId },
      properties: {
        notificationSenderEmail: 'apimgmt-noreply@mail.windowsazure.com',
        publisherEmail: 'apim-lab@example.com',
        publisherName: 'Token monitoring lab',
        provisioningState: 'Succeeded',
        targetProvisioningState: '',
        createdAtUtc: CREATED,
        gatewayUrl,
        hostnameConfigurations: [],
        virtualNetworkType: 'None',
        publicNetworkAccess: 'Enabled',
        disableGateway: false,
        natGatewayState: 'Disabled',
        platformVersion: 'stv2',
        developerPortalStatus: 'Disabled',
        legacyPortalStatus: 'Disabled',
      },
    },
    apimSubscription('master', 'Built-in all-access subscription', `${ids.apim}/`, { primaryKey: '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a', secondaryKey: 'a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d' }, {
      ownerId: `${ids.apim}/users/1`,
    }),
    {
      id: ids.roleAssignment,
      name: N.roleAssignmentName,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE_ID}`,
        principalId: N.apimPrincipalId,
        principalType: 'ServicePrincipal',
        scope: ids.openAiAccount,
        createdOn: CREATED,
        updatedOn: CREATED,
        createdBy: LEARNER_PRINCIPAL_ID,
        updatedBy: LEARNER_PRINCIPAL_ID,
      },
    },
    ...apiOperations(),
    {
      id: ids.api,
      name: N.apiId,
      type: 'Microsoft.ApiManagement/service/apis',
      properties: {
        path: N.apiPath,
        displayName: 'Azure OpenAI',
        serviceUrl: openAiUrl,
        protocols: ['https'],
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' },
        apiRevision: '1',
        description: specInfo.description ?? '',
        authenticationSettings: { oAuth2AuthenticationSettings: [], openidAuthenticationSettings: [] },
        isCurrent: true,
        type: 'http',
      },
    },
    {
      id: ids.backend,
      name: N.backendId,
      type: 'Microsoft.ApiManagement/service/backends',
      properties: { url: openAiUrl, protocol: 'http', description: 'Azure OpenAI', type: 'Single' },
    },
    {
      id: ids.logger,
      name: N.loggerId,
      type: 'Microsoft.ApiManagement/service/loggers',
      properties: {
        loggerType: 'applicationInsights',
        description: 'Application Insights for token metrics',
        credentials: { instrumentationKey: `{{${LOGGER_NAMED_VALUE}}}` },
        isBuffered: false,
        resourceId: ids.appInsights,
      },
      secrets: { instrumentationKey: N.instrumentationKey },
    },
    {
      id: `${ids.apim}/namedValues/${LOGGER_NAMED_VALUE}`,
      name: LOGGER_NAMED_VALUE,
      type: 'Microsoft.ApiManagement/service/namedValues',
      properties: { displayName: LOGGER_NAMED_VALUE, secret: true, tags: [] },
      secrets: { value: N.instrumentationKey },
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
    // ARM answers with the scope as a full resource id, whichever short form was sent.
    ...SUBSCRIPTION_PRESETS.map((preset) => apimSubscription(preset.sid, preset.displayName, `${ids.apim}${preset.scope}`, preset)),
    {
      id: ids.apiPolicy,
      name: 'policy',
      type: 'Microsoft.ApiManagement/service/apis/policies',
      properties: { value: policyXml, format: 'rawxml' },
    },
  ];
}
