/**
 * The Azure OpenAI models a sandbox deployment may name, with the version Azure picks when the
 * request gives none, and the deployment SKUs Azure offers.
 */

export const defaultModelVersions: Record<string, string> = {
  'gpt-4o': '2024-11-20',
  'gpt-4o-mini': '2024-07-18',
  'gpt-4.1': '2025-04-14',
  'gpt-4.1-mini': '2025-04-14',
  'gpt-4.1-nano': '2025-04-14',
  'gpt-4': 'turbo-2024-04-09',
  'gpt-35-turbo': '0125',
  'gpt-35-turbo-16k': '0613',
  o1: '2024-12-17',
  'o1-mini': '2024-09-12',
  'o3-mini': '2025-01-31',
  o3: '2025-04-16',
  'o4-mini': '2025-04-16',
  'gpt-5': '2025-08-07',
  'gpt-5-mini': '2025-08-07',
  'gpt-5-nano': '2025-08-07',
  'text-embedding-3-small': '1',
  'text-embedding-3-large': '1',
  'text-embedding-ada-002': '2',
};

export const deploymentSkus = [
  'Standard',
  'GlobalStandard',
  'DataZoneStandard',
  'ProvisionedManaged',
  'GlobalProvisionedManaged',
  'DataZoneProvisionedManaged',
  'GlobalBatch',
  'DataZoneBatch',
  'DeveloperTier',
];

export function isEmbeddingModel(name: string): boolean {
  return name.startsWith('text-embedding');
}
