/**
 * Token counting with the real BPE encodings of OpenAI models (gpt-tokenizer), and the chat
 * prompt count the service reports as `usage.prompt_tokens`.
 *
 * Encodings: `o200k_base` for gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series; `cl100k_base` for
 * gpt-4 (turbo), gpt-35-turbo and the embedding models. Each encoding is loaded on first need
 * with `loadEncodingFor` (o200k about 1 MB gzipped, cl100k about 0.44 MB): a sandbox that only
 * serves ARM or queries never holds them in memory, and a browser page downloads only the one its
 * deployment uses. The model awaits it by itself; other callers await `loadEncodingFor` before
 * counting.
 *
 * Chat overhead, as in OpenAI's token-counting guide for gpt-35-turbo, gpt-4 and gpt-4o: every
 * message costs 3 tokens plus its role, content and name (a name adds 1 more), and every reply
 * is primed with 3 tokens. The guide's published example counts 129 (cl100k) and 124 (o200k).
 */

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface Encoding {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(tokens: Iterable<number>): string;
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

/** A chat message as a client sends it (only the parts that cost prompt tokens are read). */
export interface ChatMessageInput {
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
}

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING_TOKENS = 3;

/** User text is counted as text: `<|endoftext|>` typed by a user is not a control token. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const loaded = new Map<EncodingName, Encoding>();
const loading = new Map<EncodingName, Promise<void>>();

const CL100K_MODELS = /^(gpt-35|gpt-3\.5|gpt-4-|gpt-4$|gpt-4-32k|gpt-4-turbo|text-embedding-)/;

/** The encoding a deployed model uses (unknown or newer models: `o200k_base`). */
export function encodingForModel(modelName: string): EncodingName {
  const name = modelName.trim().toLowerCase();
  if (name.startsWith('gpt-4o') || name.startsWith('gpt-4.')) return 'o200k_base';
  return CL100K_MODELS.test(name) ? 'cl100k_base' : 'o200k_base';
}

/** The encoding's rank tables are large (o200k about 70 MB in memory): each is loaded on first use. */
function importEncoding(name: EncodingName): Promise<Encoding> {
  return name === 'o200k_base' ? import('gpt-tokenizer/encoding/o200k_base') : import('gpt-tokenizer/encoding/cl100k_base');
}

/** Makes sure the encoding of `modelName` is loaded (a no-op once it is). */
export function loadEncodingFor(modelName: string): Promise<void> {
  const name = encodingForModel(modelName);
  if (loaded.has(name)) return Promise.resolve();
  let pending = loading.get(name);
  if (pending === undefined) {
    pending = importEncoding(name).then((module) => {
      loaded.set(name, module);
    });
    loading.set(name, pending);
  }
  return pending;
}

/** Whether counting for `modelName` can run synchronously right now. */
export function isEncodingLoaded(modelName: string): boolean {
  return loaded.has(encodingForModel(modelName));
}

function encodingOf(modelName: string): Encoding {
  const name = encodingForModel(modelName);
  const encoding = loaded.get(name);
  if (encoding === undefined) {
    throw new Error(
      `The ${name} encoding for model "${modelName}" is not loaded yet: await loadEncodingFor("${modelName}") before counting.`,
    );
  }
  return encoding;
}

/** The number of tokens `text` has in the encoding of `modelName`. */
export function countTokens(text: string, modelName: string): number {
  if (text.length === 0) return 0;
  return encodingOf(modelName).countTokens(text, PLAIN_TEXT);
}

/** `text` as token ids of `modelName`'s encoding. */
export function encodeText(text: string, modelName: string): number[] {
  return encodingOf(modelName).encode(text, PLAIN_TEXT);
}

/** Token ids of `modelName`'s encoding back to text. */
export function decodeTokens(tokens: number[], modelName: string): string {
  return encodingOf(modelName).decode(tokens);
}

/** The text of a message's content: a string, or the `text` of its content parts. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join('');
}

function toolCallTokens(toolCalls: unknown, modelName: string): number {
  if (!Array.isArray(toolCalls)) return 0;
  let tokens = 0;
  for (const call of toolCalls) {
    const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
    if (typeof fn?.name === 'string') tokens += countTokens(fn.name, modelName);
    if (typeof fn?.arguments === 'string') tokens += countTokens(fn.arguments, modelName);
  }
  return tokens;
}

/** Prompt tokens of a chat request's `messages`, as `usage.prompt_tokens` reports them. */
export function countChatPromptTokens(messages: readonly ChatMessageInput[], modelName: string): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    tokens += TOKENS_PER_MESSAGE;
    if (typeof message.role === 'string') tokens += countTokens(message.role, modelName);
    tokens += countTokens(messageText(message.content), modelName);
    if (typeof message.name === 'string') tokens += countTokens(message.name, modelName) + TOKENS_PER_NAME;
    if (typeof message.tool_call_id === 'string') tokens += countTokens(message.tool_call_id, modelName);
    tokens += toolCallTokens(message.tool_calls, modelName);
  }
  return tokens;
}
