/**
 * The fixed cast of the playground: the Azure names of its resources and the APIM subscriptions a
 * reader can send requests with (the three the traffic lab uses), plus what a request starts as.
 */

/** Names of the in-page resources: the names the lab steps give them with the default prefix `lab`. */
export const PLAYGROUND_NAMES = {
  subscriptionId: '5b0c6d2e-8f41-4a7b-9c3d-2e1f0a9b8c7d',
  tenantId: '9e8d7c6b-5a49-4838-a271-605f4e3d2c1b',
  resourceGroup: 'lab-token-monitoring-rg',
  location: 'swedencentral',
  /** API Management reports its location by display name. */
  locationDisplayName: 'Sweden Central',
  apimService: 'lab-apim-3md9ub',
  apimPrincipalId: '3c2b1a09-f8e7-4d6c-b5a4-938271605f4e',
  apiId: 'openai',
  apiPath: 'openai',
  backendId: 'openai-backend',
  loggerId: 'appinsights-logger',
  workspace: 'lab-logs',
  workspaceCustomerId: 'c0ffee00-1d2e-4f3a-8b9c-0d1e2f3a4b5c',
  appInsights: 'lab-insights',
  appInsightsAppId: 'a11ce5ed-0b0e-4c1a-9d2e-3f4a5b6c7d8e',
  instrumentationKey: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b',
  openAiAccount: 'lab-openai-3md9ub',
  openAiSubdomain: 'lab-openai-3md9ub',
  openAiPrincipalId: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
  deployment: 'gpt-4o-mini',
  modelName: 'gpt-4o-mini',
  modelVersion: '2024-07-18',
  roleAssignmentName: '2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e7f',
  apiVersion: '2024-10-21',
} as const;

/** An APIM subscription a reader can pick in the request panel. */
export interface SubscriptionPreset {
  /** The subscription's name (sid): what `Subscription ID` holds in the metrics. */
  sid: string;
  displayName: string;
  /** Who would use it, shown next to the choice. */
  description: string;
  /** `/apis/openai` (one API) or `/apis` (all APIs). */
  scope: string;
  primaryKey: string;
  secondaryKey: string;
  /** The `x-user-id` the request panel suggests with this subscription. */
  suggestedUserId: string;
}

export const SUBSCRIPTION_PRESETS: readonly SubscriptionPreset[] = [
  {
    sid: 'chat-app',
    displayName: 'Chat app',
    description: 'A customer-facing chat application, scoped to the openai API',
    scope: '/apis/openai',
    primaryKey: '3f9a1c7e5b2d4a6f8e0c1b3d5f7a9c2e',
    secondaryKey: '8b6d4f2a0c9e7b5d3f1a8c6e4b2d0f9a',
    suggestedUserId: 'ada@contoso.example',
  },
  {
    sid: 'summarizer-app',
    displayName: 'Summarizer app',
    description: 'A batch job that summarizes documents, scoped to the openai API',
    scope: '/apis/openai',
    primaryKey: 'c4e6a8b0d2f4c6e8a0b2d4f6c8e0a2b4',
    secondaryKey: '1d3f5b7d9f1b3d5f7b9d1f3b5d7f9b1d',
    suggestedUserId: 'summarizer-job',
  },
  {
    sid: 'data-team',
    displayName: 'Data team',
    description: 'Analysts with a key for all APIs',
    scope: '/apis',
    primaryKey: '6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a',
    secondaryKey: 'f0d2b4f6d8b0f2d4b6f8d0b2f4d6b8f0',
    suggestedUserId: 'grace@contoso.example',
  },
];

/** How the request authenticates: a preset's key, no key, or a key APIM does not know. */
export type KeyChoice = { kind: 'preset'; sid: string } | { kind: 'missing' } | { kind: 'invalid' };

export const INVALID_KEY = '00000000000000000000000000000000';

/** What the request panel holds. */
export interface RequestSettings {
  key: KeyChoice;
  userId: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  /** `stream_options.include_usage`: the usage chunk at the end of a stream. */
  includeUsage: boolean;
}

export const DEFAULT_REQUEST: RequestSettings = {
  key: { kind: 'preset', sid: 'chat-app' },
  userId: 'ada@contoso.example',
  prompt: 'In two sentences, why would a team meter LLM tokens per application?',
  maxTokens: 60,
  stream: false,
  includeUsage: true,
};

export const SYSTEM_PROMPT = 'You are a helpful assistant for a course on Azure API Management.';

/** The subscription key a choice sends, or undefined when it sends none. */
export function keyFor(choice: KeyChoice): string | undefined {
  if (choice.kind === 'missing') return undefined;
  if (choice.kind === 'invalid') return INVALID_KEY;
  return SUBSCRIPTION_PRESETS.find((preset) => preset.sid === choice.sid)?.primaryKey;
}
