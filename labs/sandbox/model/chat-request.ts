/**
 * Reads and checks a chat completions request body the way the service does, answering 400 with
 * the service's `invalid_request_error` body for what it refuses.
 */
import type { SandboxResponse } from '../core/exchange.ts';
import { invalidRequest } from './errors.ts';
import type { DeployedModel } from './models.ts';
import type { ChatMessageInput } from './tokenizer.ts';

export interface ChatRequest {
  messages: ChatMessageInput[];
  /** `max_completion_tokens`, else `max_tokens`; undefined when neither is given. */
  maxTokens: number | undefined;
  n: number;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
  seed: number | undefined;
  /** `response_format` asks for JSON (`json_object` or `json_schema`). */
  json: boolean;
}

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type Checked<T> = { ok: true; value: T } | { ok: false; response: SandboxResponse };

/** A numeric parameter within [min, max]: an integer (`integer`) or any number (`decimal`). */
function numericParam(body: Record<string, unknown>, name: string, kind: 'integer' | 'decimal', min: number, max: number): Checked<number | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const valid = typeof value === 'number' && (kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value));
  if (!valid) {
    const expected = kind === 'integer' ? 'an integer' : 'a number';
    return { ok: false, response: invalidRequest(`Invalid type for '${name}': expected ${expected}, but got ${typeName(value)} instead.`, name, 'invalid_type') };
  }
  const bound = value < min ? { side: 'below minimum', relation: '>=', limit: min, code: 'below_min_value' } : value > max ? { side: 'above maximum', relation: '<=', limit: max, code: 'above_max_value' } : undefined;
  if (bound !== undefined) {
    const message = `Invalid '${name}': ${kind} ${bound.side} value. Expected a value ${bound.relation} ${bound.limit}, but got ${value} instead.`;
    return { ok: false, response: invalidRequest(message, name, `${kind}_${bound.code}`) };
  }
  return { ok: true, value };
}

function checkMessages(value: unknown): Checked<ChatMessageInput[]> {
  if (value === undefined) {
    return { ok: false, response: invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter') };
  }
  if (!Array.isArray(value)) {
    return { ok: false, response: invalidRequest(`Invalid type for 'messages': expected an array of objects, but got ${typeName(value)} instead.`, 'messages', 'invalid_type') };
  }
  if (value.length === 0) {
    return { ok: false, response: invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array') };
  }
  for (const [index, message] of value.entries()) {
    const at = `messages[${index}]`;
    if (!isObject(message)) {
      return { ok: false, response: invalidRequest(`Invalid type for '${at}': expected an object, but got ${typeName(message)} instead.`, at, 'invalid_type') };
    }
    if (message.role === undefined) {
      return { ok: false, response: invalidRequest(`Missing required parameter: '${at}.role'.`, `${at}.role`, 'missing_required_parameter') };
    }
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) {
      return { ok: false, response: invalidRequest(`Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, `${at}.role`, 'invalid_value') };
    }
    const content = message.content;
    const contentOptional = message.role === 'assistant';
    if (content === undefined || content === null) {
      if (!contentOptional) {
        return { ok: false, response: invalidRequest(`Missing required parameter: '${at}.content'.`, `${at}.content`, 'missing_required_parameter') };
      }
    } else if (typeof content !== 'string' && !Array.isArray(content)) {
      return { ok: false, response: invalidRequest(`Invalid type for '${at}.content': expected one of a string or array of objects, but got ${typeName(content)} instead.`, `${at}.content`, 'invalid_type') };
    }
  }
  return { ok: true, value: value as ChatMessageInput[] };
}

function checkStop(value: unknown): Checked<string[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  const stops = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(stops) || stops.some((stop) => typeof stop !== 'string') || stops.length > 4) {
    return { ok: false, response: invalidRequest("Invalid 'stop': expected a string or an array of at most 4 strings.", 'stop', 'invalid_value') };
  }
  return { ok: true, value: (stops as string[]).filter((stop) => stop.length > 0) };
}

/** The checked request, or the 400 answer for the first thing the service would refuse. */
export function readChatRequest(body: unknown, model: DeployedModel): Checked<ChatRequest> {
  if (!isObject(body)) {
    return { ok: false, response: invalidRequest(`Invalid type for the request body: expected an object, but got ${typeName(body)} instead.`) };
  }
  const messages = checkMessages(body.messages);
  if (!messages.ok) return messages;
  if (model.reasoning && body.max_tokens !== undefined && body.max_tokens !== null) {
    return { ok: false, response: invalidRequest("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter') };
  }
  const maxTokens = numericParam(body, 'max_tokens', 'integer', 1, Number.MAX_SAFE_INTEGER);
  if (!maxTokens.ok) return maxTokens;
  const maxCompletionTokens = numericParam(body, 'max_completion_tokens', 'integer', 1, Number.MAX_SAFE_INTEGER);
  if (!maxCompletionTokens.ok) return maxCompletionTokens;
  const n = numericParam(body, 'n', 'integer', 1, 128);
  if (!n.ok) return n;
  const seed = numericParam(body, 'seed', 'integer', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (!seed.ok) return seed;
  const stop = checkStop(body.stop);
  if (!stop.ok) return stop;
  for (const [name, min, max] of [['temperature', 0, 2], ['top_p', 0, 1], ['presence_penalty', -2, 2], ['frequency_penalty', -2, 2]] as const) {
    const checked = numericParam(body, name, 'decimal', min, max);
    if (!checked.ok) return checked;
  }
  const format = isObject(body.response_format) ? body.response_format.type : undefined;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return { ok: false, response: invalidRequest(`Invalid type for 'stream': expected a boolean, but got ${typeName(body.stream)} instead.`, 'stream', 'invalid_type') };
  }
  const stream = body.stream === true;
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !stream) {
    return { ok: false, response: invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null) };
  }
  return {
    ok: true,
    value: {
      messages: messages.value,
      maxTokens: maxCompletionTokens.value ?? maxTokens.value,
      n: n.value ?? 1,
      stop: stop.value,
      stream,
      includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
      seed: seed.value,
      json: format === 'json_object' || format === 'json_schema',
    },
  };
}
