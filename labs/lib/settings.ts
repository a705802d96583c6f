/**
 * Lab settings: read from the environment (and a `.env` file at the repository root), checked
 * up front, with one clear message per bad value.
 *
 * The target is Azure when `AZURE_SUBSCRIPTION_ID` is set, the local sandbox otherwise;
 * `LAB_TARGET=azure|sandbox` forces one.
 */
import { config as loadDotenv } from 'dotenv';
import { resolve } from 'node:path';
import { repoRoot } from './paths.ts';

export type TargetKind = 'azure' | 'sandbox';

export interface LabSettings {
  target: TargetKind;
  /** The Azure subscription (on the sandbox: the sandbox's own GUID). Empty until known. */
  subscriptionId: string;
  location: string;
  prefix: string;
  modelName: string;
  modelVersion: string;
  modelSku: string;
  modelCapacity: number;
  apimSku: string;
  publisherEmail: string;
  /** Folder of the lab state file (`.lab` at the repository root by default). */
  stateDir: string;
}

/** The APIM tiers API Management 2024-05-01 accepts (the v2 tiers provision in minutes). */
export const APIM_SKUS = ['Consumption', 'Developer', 'Basic', 'Standard', 'Premium', 'BasicV2', 'StandardV2'];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads `.env` (values already in the environment win) and validates every setting.
 * `envFile: false` skips the file (tests).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, options: { envFile?: string | false } = {}): LabSettings {
  if (options.envFile !== false) {
    loadDotenv({ path: options.envFile ?? resolve(repoRoot, '.env'), quiet: true, processEnv: env as Record<string, string> });
  }
  const problems: string[] = [];
  const value = (name: string, fallback: string): string => (env[name] ?? '').trim() || fallback;

  const forced = value('LAB_TARGET', '');
  const subscriptionId = value('AZURE_SUBSCRIPTION_ID', '');
  // `npm run --silent sandbox:env` also sets AZURE_SUBSCRIPTION_ID: a loopback ARM endpoint means the sandbox.
  const armEndpoint = value('LAB_ARM_ENDPOINT', '');
  const pointsAtSandbox = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(armEndpoint);
  let target: TargetKind = subscriptionId && !pointsAtSandbox ? 'azure' : 'sandbox';
  if (forced) {
    if (forced === 'azure' || forced === 'sandbox') target = forced;
    else problems.push(`LAB_TARGET is "${forced}": use "azure" or "sandbox" (or leave it unset to pick Azure when AZURE_SUBSCRIPTION_ID is set).`);
  }
  if (subscriptionId && !GUID.test(subscriptionId)) {
    problems.push(`AZURE_SUBSCRIPTION_ID is "${subscriptionId}": it must be a subscription GUID such as 00000000-0000-0000-0000-000000000000 (see \`az account show --query id -o tsv\`).`);
  }
  if (target === 'azure' && !subscriptionId) {
    problems.push('LAB_TARGET is "azure" but AZURE_SUBSCRIPTION_ID is not set: put your subscription id in .env (see `az account show --query id -o tsv`), or use LAB_TARGET=sandbox.');
  }

  const location = value('AZURE_LOCATION', 'swedencentral');
  if (!/^[a-z][a-z0-9]{2,29}$/.test(location)) {
    problems.push(`AZURE_LOCATION is "${location}": use a region's programmatic name, lower case without spaces, such as "swedencentral" or "westeurope" (list them with \`az account list-locations -o table\`).`);
  }

  const prefix = value('LAB_PREFIX', 'lab');
  if (!/^[a-z][a-z0-9]{1,11}$/.test(prefix)) {
    problems.push(`LAB_PREFIX is "${prefix}": it names every resource you create, so it must be 2 to 12 lower-case letters or digits starting with a letter (for example "lab" or "ana01"); Azure refuses other characters in Azure OpenAI and APIM names.`);
  }

  const modelName = value('LAB_MODEL_NAME', 'gpt-4o-mini');
  if (!/^[a-z0-9][a-z0-9.-]{1,63}$/i.test(modelName)) {
    problems.push(`LAB_MODEL_NAME is "${modelName}": use an Azure OpenAI model name such as "gpt-4o-mini" or "gpt-4o".`);
  }
  const modelVersion = value('LAB_MODEL_VERSION', '2024-07-18');
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$|^[0-9]+$/.test(modelVersion)) {
    problems.push(`LAB_MODEL_VERSION is "${modelVersion}": use the model version as Azure lists it, such as "2024-07-18".`);
  }
  const modelSku = value('LAB_MODEL_SKU', 'GlobalStandard');
  if (!['Standard', 'GlobalStandard', 'DataZoneStandard'].includes(modelSku)) {
    problems.push(`LAB_MODEL_SKU is "${modelSku}": use "GlobalStandard", "DataZoneStandard" or "Standard".`);
  }
  const capacityText = value('LAB_MODEL_CAPACITY', '10');
  const modelCapacity = Number(capacityText);
  if (!Number.isInteger(modelCapacity) || modelCapacity < 1 || modelCapacity > 1000) {
    problems.push(`LAB_MODEL_CAPACITY is "${capacityText}": give the deployment's capacity in thousands of tokens per minute, a whole number from 1 to 1000 (10 means 10,000 tokens per minute).`);
  }

  const apimSkuText = value('LAB_APIM_SKU', 'BasicV2');
  const apimSku = APIM_SKUS.find((sku) => sku.toLowerCase() === apimSkuText.toLowerCase());
  if (!apimSku) {
    problems.push(`LAB_APIM_SKU is "${apimSkuText}": use one of ${APIM_SKUS.join(', ')} (BasicV2 is ready in minutes; Developer takes 30 minutes or more).`);
  }

  const publisherEmail = value('LAB_PUBLISHER_EMAIL', 'apim-lab@example.com');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(publisherEmail)) {
    problems.push(`LAB_PUBLISHER_EMAIL is "${publisherEmail}": API Management needs a publisher e-mail address such as "you@example.com".`);
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    target,
    subscriptionId,
    location,
    prefix,
    modelName,
    modelVersion,
    modelSku,
    modelCapacity,
    apimSku: apimSku as string,
    publisherEmail,
    stateDir: resolve(value('LAB_STATE_DIR', resolve(repoRoot, '.lab'))),
  };
}
