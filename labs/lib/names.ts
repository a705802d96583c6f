/**
 * The names of everything the labs create, derived from the learner's prefix.
 *
 * Azure OpenAI subdomains and APIM gateway hosts are global, so those two names carry a short
 * suffix that depends only on the subscription and the prefix (like ARM's `uniqueString`): the
 * same learner always gets the same names, two learners never clash.
 */
import { createHash } from 'node:crypto';

export interface ResourceNames {
  resourceGroup: string;
  openAiAccount: string;
  modelDeployment: string;
  apim: string;
  workspace: string;
  appInsights: string;
  backend: string;
  api: string;
  apiPath: string;
  logger: string;
  diagnostic: string;
  /** The APIM subscriptions the traffic lab sends calls with. */
  subscriptions: Array<{ id: string; displayName: string }>;
}

export function uniqueSuffix(subscriptionId: string, prefix: string): string {
  const digest = createHash('sha256').update(`${subscriptionId.toLowerCase()}/${prefix}`).digest();
  return BigInt('0x' + digest.subarray(0, 8).toString('hex')).toString(36).slice(0, 6).padStart(6, '0');
}

export function resourceNames(prefix: string, subscriptionId: string, modelName: string): ResourceNames {
  const suffix = uniqueSuffix(subscriptionId, prefix);
  return {
    resourceGroup: `${prefix}-token-monitoring-rg`,
    openAiAccount: `${prefix}-openai-${suffix}`,
    modelDeployment: modelName,
    apim: `${prefix}-apim-${suffix}`,
    workspace: `${prefix}-logs`,
    appInsights: `${prefix}-insights`,
    backend: 'openai-backend',
    api: 'openai',
    apiPath: 'openai',
    logger: 'appinsights-logger',
    diagnostic: 'applicationinsights',
    subscriptions: [
      { id: 'chat-app', displayName: 'Chat app' },
      { id: 'summarizer-app', displayName: 'Summarizer app' },
      { id: 'data-team', displayName: 'Data team' },
    ],
  };
}
