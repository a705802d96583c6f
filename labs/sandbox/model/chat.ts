/**
 * Chat completions: the deterministic answer for a checked request, cut at `stop` and at the
 * token limit (`finish_reason: "length"`), and its two renderings: one JSON body, or server-sent
 * events (a prompt-filter chunk, the role chunk, one chunk per token, the final chunk with the
 * finish reason, the usage chunk when `stream_options.include_usage` is set, then `[DONE]`).
 */
import type { ChatRequest } from './chat-request.ts';
import { composeAnswer } from './answer.ts';
import type { DeployedModel } from './models.ts';
import { hashText } from './seed.ts';
import { decodeTokens, encodeText } from './tokenizer.ts';

export interface ChatChoice {
  index: number;
  text: string;
  tokens: number[];
  finishReason: 'stop' | 'length';
}

export interface ChatCompletion {
  id: string;
  created: number;
  model: DeployedModel;
  promptTokens: number;
  completionTokens: number;
  choices: ChatChoice[];
}

export interface Pacing {
  firstTokenMs: number;
  tokensPerSecond: number;
  sleep(ms: number): Promise<void>;
}

const SAFE = { filtered: false, severity: 'safe' };
const CONTENT_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }];

function answerChoice(request: ChatRequest, model: DeployedModel, seed: number, index: number): ChatChoice {
  const answer = composeAnswer(request.messages, seed + index);
  let text = request.json ? JSON.stringify({ answer }) : answer;
  let finishReason: ChatChoice['finishReason'] = 'stop';
  const stopAt = Math.min(...request.stop.map((stop) => text.indexOf(stop)).filter((at) => at >= 0));
  if (Number.isFinite(stopAt)) text = text.slice(0, stopAt);
  let tokens = encodeText(text, model.name);
  if (request.maxTokens !== undefined && tokens.length > request.maxTokens) {
    tokens = tokens.slice(0, request.maxTokens);
    text = decodeTokens(tokens, model.name);
    finishReason = 'length';
  }
  return { index, text, tokens, finishReason };
}

/** The seed of a request's answers: its messages and `seed`, nothing that changes between runs. */
export function requestSeed(request: ChatRequest): number {
  return hashText(JSON.stringify({ messages: request.messages, seed: request.seed ?? null }));
}

export function completeChat(request: ChatRequest, model: DeployedModel, promptTokens: number, id: string, created: number): ChatCompletion {
  const seed = requestSeed(request);
  const choices = Array.from({ length: request.n }, (_, index) => answerChoice(request, model, seed, index));
  const completionTokens = choices.reduce((sum, choice) => sum + choice.tokens.length, 0);
  return { id, created, model, promptTokens, completionTokens, choices };
}

function usageOf(completion: ChatCompletion) {
  return {
    completion_tokens: completion.completionTokens,
    prompt_tokens: completion.promptTokens,
    total_tokens: completion.promptTokens + completion.completionTokens,
    completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: 0, rejected_prediction_tokens: 0 },
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
  };
}

const fingerprints = new Map<string, string>();

/** A stable `system_fingerprint` per model version. */
function fingerprint(model: DeployedModel): string {
  let value = fingerprints.get(model.responseModel);
  if (value === undefined) {
    value = `fp_${hashText(model.responseModel).toString(16).slice(0, 10)}`;
    fingerprints.set(model.responseModel, value);
  }
  return value;
}

/** The non-streaming response body. */
export function chatCompletionBody(completion: ChatCompletion): Record<string, unknown> {
  return {
    choices: completion.choices.map((choice) => ({
      content_filter_results: CONTENT_FILTER_RESULTS,
      finish_reason: choice.finishReason,
      index: choice.index,
      logprobs: null,
      message: { annotations: [], content: choice.text, refusal: null, role: 'assistant' },
    })),
    created: completion.created,
    id: completion.id,
    model: completion.model.responseModel,
    object: 'chat.completion',
    prompt_filter_results: PROMPT_FILTER_RESULTS,
    system_fingerprint: fingerprint(completion.model),
    usage: usageOf(completion),
  };
}

/** How long a non-streaming answer takes with the configured latency. */
export function generationTimeMs(completion: ChatCompletion, pacing: Pacing | undefined): number {
  if (pacing === undefined) return 0;
  const perToken = pacing.tokensPerSecond > 0 ? 1000 / pacing.tokensPerSecond : 0;
  return pacing.firstTokenMs + perToken * completion.completionTokens;
}

function event(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The streamed response body, paced by the configured latency. */
export async function* chatCompletionEvents(completion: ChatCompletion, includeUsage: boolean, pacing: Pacing | undefined): AsyncGenerator<string> {
  // Every chunk shares these fields; they are serialized once, and each token chunk only adds its text.
  const shared = JSON.stringify({
    created: completion.created,
    id: completion.id,
    model: completion.model.responseModel,
    object: 'chat.completion.chunk',
    system_fingerprint: fingerprint(completion.model),
    ...(includeUsage ? { usage: null } : {}),
  }).slice(1);
  const chunk = (choice: Record<string, unknown>) => `data: {"choices":[${JSON.stringify(choice)}],${shared}\n\n`;
  yield event({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS });
  if (pacing !== undefined && pacing.firstTokenMs > 0) await pacing.sleep(pacing.firstTokenMs);
  const perToken = pacing !== undefined && pacing.tokensPerSecond > 0 ? 1000 / pacing.tokensPerSecond : 0;
  for (const choice of completion.choices) {
    yield chunk({ content_filter_results: {}, delta: { content: '', refusal: null, role: 'assistant' }, finish_reason: null, index: choice.index, logprobs: null });
    const tokenHead = `data: {"choices":[{"content_filter_results":{},"delta":{"content":`;
    const tokenTail = `},"finish_reason":null,"index":${choice.index},"logprobs":null}],${shared}\n\n`;
    for (const token of choice.tokens) {
      if (perToken > 0) await pacing!.sleep(perToken);
      yield `${tokenHead}${JSON.stringify(decodeTokens([token], completion.model.name))}${tokenTail}`;
    }
    yield chunk({ content_filter_results: CONTENT_FILTER_RESULTS, delta: {}, finish_reason: choice.finishReason, index: choice.index, logprobs: null });
  }
  if (includeUsage) {
    yield event({
      choices: [],
      created: completion.created,
      id: completion.id,
      model: completion.model.responseModel,
      object: 'chat.completion.chunk',
      system_fingerprint: fingerprint(completion.model),
      usage: usageOf(completion),
    });
  }
  yield 'data: [DONE]\n\n';
}
