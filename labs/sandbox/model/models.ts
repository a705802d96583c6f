/**
 * What the sandbox knows about the model behind a deployment (`properties.model`): whether it
 * chats or embeds, its context window, whether it is a reasoning model (which refuses
 * `max_tokens`), its embedding size, and the `model` name responses carry.
 */
import type { ArmResource } from '../core/resources.ts';

export interface DeployedModel {
  /** e.g. `gpt-4o-mini` */
  name: string;
  /** e.g. `2024-07-18` ('' when the deployment gives none) */
  version: string;
  kind: 'chat' | 'embeddings';
  contextWindow: number;
  /** o-series reasoning models take `max_completion_tokens` only. */
  reasoning: boolean;
  /** Native vector length of an embedding model. */
  embeddingDimensions: number;
  /** Whether an embedding model accepts `dimensions` (text-embedding-3 does, ada-002 does not). */
  acceptsDimensions: boolean;
  /** The `model` field of responses: name and version for chat models, name for embeddings. */
  responseModel: string;
}

const CONTEXT_WINDOWS: Array<[RegExp, number]> = [
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^(o1|o3|o4)/, 200_000],
  [/^gpt-4-32k/, 32_768],
  [/^gpt-4o|^gpt-4-turbo|^gpt-4\.5/, 128_000],
  [/^gpt-4$/, 8_192],
  [/^gpt-35-turbo-16k|^gpt-35-turbo$|^gpt-3\.5-turbo/, 16_385],
  [/^text-embedding-/, 8_192],
];

export function describeModel(deployment: ArmResource): DeployedModel {
  const model = (deployment.properties.model ?? {}) as { name?: unknown; version?: unknown };
  const name = typeof model.name === 'string' && model.name.length > 0 ? model.name : deployment.name;
  const version = typeof model.version === 'string' ? model.version : '';
  const lower = name.toLowerCase();
  const kind = lower.startsWith('text-embedding') ? 'embeddings' : 'chat';
  // gpt-4 `turbo-2024-04-09` and the `*-preview` versions are GPT-4 Turbo with 128k tokens.
  const turbo = lower === 'gpt-4' && /turbo|preview/i.test(version);
  const contextWindow = turbo ? 128_000 : (CONTEXT_WINDOWS.find(([pattern]) => pattern.test(lower))?.[1] ?? 128_000);
  const responseModel = kind === 'chat' && /^\d{4}-\d{2}-\d{2}$/.test(version) ? `${name}-${version}` : name;
  return {
    name,
    version,
    kind,
    contextWindow,
    reasoning: /^(o1|o3|o4)/.test(lower),
    embeddingDimensions: lower === 'text-embedding-3-large' ? 3072 : 1536,
    acceptsDimensions: lower.startsWith('text-embedding-3'),
    responseModel,
  };
}

/** The deployment's quota in units of 1,000 tokens per minute (`sku.capacity`, default 1). */
export function deploymentCapacity(deployment: ArmResource): number {
  const capacity = Number((deployment.sku as { capacity?: unknown } | undefined)?.capacity);
  return Number.isFinite(capacity) && capacity > 0 ? capacity : 1;
}

/** "OpenAI S0" or "AIServices S0": the account's pricing tier as rate-limit messages name it. */
export function pricingTier(account: ArmResource): string {
  const kind = account.kind === 'AIServices' ? 'AIServices' : 'OpenAI';
  const sku = (account.sku as { name?: unknown } | undefined)?.name;
  return `${kind} ${typeof sku === 'string' ? sku : 'S0'}`;
}
