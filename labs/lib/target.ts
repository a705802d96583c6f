/**
 * The one place that knows where the labs talk to: it builds every Azure SDK client from the
 * target. On Azure the clients use Azure's public endpoints; on the sandbox the same clients get
 * the sandbox's endpoints from `LAB_ARM_ENDPOINT` / `LAB_LOGS_ENDPOINT` (set by the launcher, or by
 * `npm run --silent sandbox:env`). Both use `DefaultAzureCredential`: on the sandbox it finds the
 * sandbox's managed-identity endpoint through `IDENTITY_ENDPOINT` / `IDENTITY_HEADER`.
 */
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { AzureOpenAI } from 'openai';
import type { LabSettings, TargetKind } from './settings.ts';
import { SettingsError } from './settings.ts';

/** Azure OpenAI data-plane version the traffic lab calls (latest dated GA). */
export const OPENAI_API_VERSION = '2024-10-21';
/** Application Insights components: the workspace-based api-version (the SDK still speaks 2018). */
export const APP_INSIGHTS_API_VERSION = '2020-02-02';

export interface LabTarget {
  kind: TargetKind;
  subscriptionId: string;
  armEndpoint: string;
  logsEndpoint: string;
  /** One line for the banner: which target runs and where. */
  description: string;
  /** A link to the resource in the Azure portal (Azure only). */
  portalLink(resourceId: string): string | undefined;
}

export interface LabClients {
  credential: TokenCredential;
  resources: ResourceManagementClient;
  apim: ApiManagementClient;
  cognitive: CognitiveServicesManagementClient;
  logAnalytics: OperationalInsightsManagementClient;
  authorization: AuthorizationManagementClient;
  logs: LogsQueryClient;
  /** An Azure OpenAI client for an endpoint (here: the APIM gateway) and an APIM subscription key. */
  openAi(endpoint: string, apiKey: string): AzureOpenAI;
  /** An Azure OpenAI client that signs in with Entra ID (calls the model directly). */
  openAiWithEntra(endpoint: string): AzureOpenAI;
}

const AZURE_ARM = 'https://management.azure.com';
const AZURE_LOGS = 'https://api.loganalytics.io/v1';

export function resolveTarget(settings: LabSettings, env: NodeJS.ProcessEnv = process.env): LabTarget {
  const armEndpoint = (env.LAB_ARM_ENDPOINT ?? '').replace(/\/+$/, '');
  const logsEndpoint = (env.LAB_LOGS_ENDPOINT ?? '').replace(/\/+$/, '');
  if (settings.target === 'sandbox' && (!armEndpoint || !logsEndpoint || !settings.subscriptionId)) {
    throw new SettingsError([
      'The sandbox target needs the sandbox\'s endpoints (LAB_ARM_ENDPOINT, LAB_LOGS_ENDPOINT, AZURE_SUBSCRIPTION_ID, NODE_EXTRA_CA_CERTS): run the lab with `npm run lab:<step>`, which starts the sandbox and passes them, or load them with `npm run --silent sandbox:env`.',
    ]);
  }
  const arm = armEndpoint || AZURE_ARM;
  const logs = logsEndpoint || AZURE_LOGS;
  const onAzure = settings.target === 'azure';
  return {
    kind: settings.target,
    subscriptionId: settings.subscriptionId,
    armEndpoint: arm,
    logsEndpoint: logs,
    description: onAzure
      ? `Azure subscription ${settings.subscriptionId}, region ${settings.location}`
      : `local sandbox at ${new URL(arm).origin} (no Azure account used), region ${settings.location}`,
    portalLink: (resourceId) => (onAzure ? `https://portal.azure.com/#resource${resourceId}` : undefined),
  };
}

export function createClients(target: LabTarget): LabClients {
  const credential = new DefaultAzureCredential();
  const options = { endpoint: target.armEndpoint };
  return {
    credential,
    resources: new ResourceManagementClient(credential, target.subscriptionId, options),
    apim: new ApiManagementClient(credential, target.subscriptionId, options),
    cognitive: new CognitiveServicesManagementClient(credential, target.subscriptionId, options),
    logAnalytics: new OperationalInsightsManagementClient(credential, target.subscriptionId, options),
    authorization: new AuthorizationManagementClient(credential, target.subscriptionId, options),
    logs: new LogsQueryClient(credential, { endpoint: target.logsEndpoint }),
    openAi: (endpoint, apiKey) => new AzureOpenAI({ endpoint, apiKey, apiVersion: OPENAI_API_VERSION }),
    openAiWithEntra: (endpoint) =>
      new AzureOpenAI({
        endpoint,
        apiVersion: OPENAI_API_VERSION,
        azureADTokenProvider: getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default'),
      }),
  };
}
