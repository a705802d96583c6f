/**
 * The sandbox's Azure OpenAI model: the data plane behind each account's endpoint
 * (`/openai/deployments/{deployment}/chat/completions` and `/embeddings`, and the same operations
 * on the dateless `/openai/v1/...` routes), and the token counting the gateway shares with it.
 *
 * Isomorphic: nothing here or below imports a Node module, so the same model runs in the Node
 * sandbox (mounted at `/aoai/{customSubDomainName}`) and in the browser playground.
 */
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../core/exchange.ts';
import type { ResourceView } from '../core/resources.ts';
import { authenticate, findAccount, findDeployment, type BearerVerifier } from './access.ts';
import { isSupportedApiVersion, isSupportedV1ApiVersion } from './api-versions.ts';
import { chatCompletionBody, chatCompletionEvents, completeChat, generationTimeMs, type Pacing } from './chat.ts';
import { readChatRequest } from './chat-request.ts';
import { embeddingsBody, promptTokensOf, readEmbeddingsRequest } from './embeddings.ts';
import {
  apiVersionNotSupported,
  deploymentNotFound,
  invalidRequest,
  operationNotSupported,
  rateLimited,
  resourceNotFound,
  unparsableJson,
} from './errors.ts';
import { deploymentCapacity, describeModel, pricingTier, type DeployedModel } from './models.ts';
import { DeploymentRateLimiter } from './rate-limit.ts';
import { guidFrom, identifierFrom } from './seed.ts';
import { countChatPromptTokens, loadEncodingFor } from './tokenizer.ts';

export {
  countTokens,
  countChatPromptTokens,
  encodingForModel,
  loadEncodingFor,
  isEncodingLoaded,
  type ChatMessageInput,
  type EncodingName,
} from './tokenizer.ts';
export { DEFAULT_API_VERSION, GA_API_VERSIONS, PREVIEW_API_VERSIONS, isSupportedApiVersion } from './api-versions.ts';
export { INFERENCE_ROLE_DEFINITION_IDS, COGNITIVE_SERVICES_AUDIENCE } from './access.ts';

export interface ModelLatency {
  /** Time to the first token, in milliseconds. */
  firstTokenMs: number;
  tokensPerSecond: number;
}

export interface ModelDeps {
  resources: ResourceView;
  verifyBearer: BearerVerifier;
  now(): number;
  /** Optional pacing so streaming is visible; read on every request. */
  latency?: ModelLatency;
  sleep(ms: number): Promise<void>;
}

export interface Model {
  /** Answers a request below an account's endpoint (`req.path` starts with `/openai/`). */
  handle(subdomain: string, req: SandboxRequest): Promise<SandboxResponse>;
}

/** The mount prefix of the model in the sandbox server. */
export const MODEL_MOUNT = '/aoai/';

/**
 * Splits a URL under the sandbox's `/aoai/{subdomain}` mount (as an account's `endpoint` and a
 * gateway backend name it) into the subdomain and the path below it, for an in-process call.
 */
export function splitModelUrl(url: string): { subdomain: string; path: string; query: URLSearchParams } | undefined {
  const parsed = new URL(url, 'https://127.0.0.1');
  const match = /^\/aoai\/([^/]+)(\/.*)?$/i.exec(parsed.pathname.replace(/\/{2,}/g, '/'));
  if (match === null) return undefined;
  return { subdomain: decodeURIComponent(match[1]), path: match[2] ?? '/', query: parsed.searchParams };
}

/** `/openai/deployments/{deployment}/{operation}` (deployment in the path) or `/openai/v1/{operation}` (in the body's `model`). */
const DEPLOYMENT_ROUTE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)\/?$/i;
const V1_ROUTE = /^\/openai\/v1\/(chat\/completions|embeddings)\/?$/i;

interface Route {
  v1: boolean;
  deployment: string | undefined;
  operation: 'chatCompletion' | 'embeddings';
}

function matchRoute(path: string): Route | undefined {
  const dated = DEPLOYMENT_ROUTE.exec(path);
  const v1 = dated === null ? V1_ROUTE.exec(path) : null;
  const operation = dated?.[2] ?? v1?.[1];
  if (operation === undefined) return undefined;
  let deployment: string | undefined;
  if (dated !== null) {
    try {
      deployment = decodeURIComponent(dated[1]);
    } catch {
      deployment = dated[1];
    }
  }
  return { v1: v1 !== null, deployment, operation: operation.toLowerCase() === 'embeddings' ? 'embeddings' : 'chatCompletion' };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function createModel(deps: ModelDeps): Model {
  const limiter = new DeploymentRateLimiter();
  let served = 0;

  function pacing(): Pacing | undefined {
    const latency = deps.latency;
    if (latency === undefined || (latency.firstTokenMs <= 0 && latency.tokensPerSecond <= 0)) return undefined;
    return { ...latency, sleep: deps.sleep };
  }

  async function handle(subdomain: string, req: SandboxRequest): Promise<SandboxResponse> {
    const account = findAccount(deps.resources, subdomain);
    const route = matchRoute(req.path);
    if (account === undefined || route === undefined || req.method.toUpperCase() !== 'POST') return resourceNotFound();
    const apiVersion = req.query.get('api-version');
    if (route.v1) {
      if (!isSupportedV1ApiVersion(apiVersion)) return apiVersionNotSupported();
    } else {
      if (apiVersion === null || apiVersion === '') return resourceNotFound();
      if (!isSupportedApiVersion(apiVersion)) return apiVersionNotSupported();
    }

    const denied = authenticate(req, account, deps.resources, deps.verifyBearer, route.v1);
    if (denied !== undefined) return denied;
    const body = parseJson(req.body);
    let deploymentName = route.deployment;
    if (route.v1) {
      if (!body.ok) return unparsableJson();
      const named = (body.value as { model?: unknown } | null)?.model;
      if (typeof named !== 'string' || named === '') return invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
      deploymentName = named;
    }
    const deployment = findDeployment(deps.resources, account, deploymentName ?? '');
    if (deployment === undefined) return deploymentNotFound();
    const model = describeModel(deployment);
    if ((route.operation === 'embeddings') !== (model.kind === 'embeddings')) return operationNotSupported(route.operation, model.name);
    if (!body.ok) return unparsableJson();
    await loadEncodingFor(model.name);

    served += 1;
    const now = deps.now();
    const requestId = guidFrom(`${now}:${served}:${subdomain}:${req.path}`);
    const limits = {
      deploymentId: deployment.id,
      capacity: deploymentCapacity(deployment),
      apiVersion: apiVersion || 'v1',
      tier: pricingTier(account),
      requestId,
      now,
    };
    return route.operation === 'embeddings'
      ? embeddings(body.value, model, limits)
      : chat(body.value, model, limits, identifierFrom(`${requestId}:chatcmpl`, 29));
  }

  interface Limits {
    deploymentId: string;
    capacity: number;
    apiVersion: string;
    tier: string;
    requestId: string;
    now: number;
  }

  function admit(limits: Limits, estimate: number, operation: 'ChatCompletions_Create' | 'Embeddings_Create') {
    const admission = limiter.admit(limits.deploymentId, limits.capacity, estimate, limits.now);
    if (admission.admitted) return admission;
    return rateLimited({
      operation,
      apiVersion: limits.apiVersion,
      limit: admission.limit,
      pricingTier: limits.tier,
      retryAfterSeconds: admission.retryAfterSeconds,
      headers: responseHeaders(limits.requestId, admission),
    });
  }

  async function chat(body: unknown, model: DeployedModel, limits: Limits, id: string): Promise<SandboxResponse> {
    const checked = readChatRequest(body, model);
    if (!checked.ok) return checked.response;
    const request = checked.value;
    const promptTokens = countChatPromptTokens(request.messages, model.name);
    const requested = promptTokens + (request.maxTokens ?? 0);
    if (requested > model.contextWindow) return contextLengthExceeded(model, promptTokens, request.maxTokens);

    const admission = admit(limits, requested, 'ChatCompletions_Create');
    if (!('admitted' in admission)) return admission;
    const completion = completeChat(request, model, promptTokens, `chatcmpl-${id}`, Math.floor(limits.now / 1000));
    const remaining = admission.commit(completion.promptTokens + completion.completionTokens);
    const headers = responseHeaders(limits.requestId, remaining);
    const pace = pacing();
    if (request.stream) {
      return {
        status: 200,
        headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8' },
        stream: chatCompletionEvents(completion, request.includeUsage, pace),
      };
    }
    const waitMs = generationTimeMs(completion, pace);
    if (waitMs > 0) await deps.sleep(waitMs);
    return jsonResponse(200, chatCompletionBody(completion), headers);
  }

  async function embeddings(body: unknown, model: DeployedModel, limits: Limits): Promise<SandboxResponse> {
    const checked = readEmbeddingsRequest(body, model);
    if (!checked.ok) return checked.response;
    const promptTokens = promptTokensOf(checked.value);
    const admission = admit(limits, promptTokens, 'Embeddings_Create');
    if (!('admitted' in admission)) return admission;
    const remaining = admission.commit(promptTokens);
    const pace = pacing();
    if (pace !== undefined && pace.firstTokenMs > 0) await deps.sleep(pace.firstTokenMs);
    return jsonResponse(200, embeddingsBody(checked.value, model), responseHeaders(limits.requestId, remaining));
  }

  return { handle };
}

function responseHeaders(requestId: string, remaining: { remainingTokens: number; remainingRequests: number }): Record<string, string> {
  return {
    'x-request-id': requestId,
    'x-ratelimit-remaining-requests': String(remaining.remainingRequests),
    'x-ratelimit-remaining-tokens': String(remaining.remainingTokens),
  };
}

function contextLengthExceeded(model: DeployedModel, promptTokens: number, maxTokens: number | undefined): SandboxResponse {
  const message =
    maxTokens === undefined
      ? `This model's maximum context length is ${model.contextWindow} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`
      : `This model's maximum context length is ${model.contextWindow} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
  return invalidRequest(message, 'messages', 'context_length_exceeded');
}
