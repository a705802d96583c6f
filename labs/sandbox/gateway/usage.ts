/**
 * Token usage of a backend answer: the `usage` object of a JSON response, or, for a streamed
 * answer, the usage chunk when the client asked for one (`stream_options.include_usage`), else an
 * estimate with the model's tokenizer (prompt from the request's messages, completion from the
 * streamed text), as API Management estimates streamed calls.
 */
import type { ResourceView } from '../core/resources.ts';
import { countChatPromptTokens, countTokens, loadEncodingFor, type ChatMessageInput } from '../model/index.ts';
import type { Call, TokenUsage } from './call.ts';

const ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

/** The model behind the deployment named in the call (`deployment-id`), for counting tokens. */
export function modelNameOf(resources: ResourceView, deploymentName: string | undefined): string {
  if (deploymentName) {
    const wanted = deploymentName.toLowerCase();
    for (const account of resources.ofType(ACCOUNT_TYPE)) {
      const deployment = resources.children(account.id, 'deployments').find((d) => d.name.toLowerCase() === wanted);
      const model = (deployment?.properties.model ?? {}) as { name?: unknown };
      if (typeof model.name === 'string' && model.name !== '') return model.name;
    }
  }
  return 'gpt-4o';
}

function callModelName(call: Call): string {
  const parameters = call.route.parameters;
  return modelNameOf(call.deps.resources, parameters['deployment-id'] ?? parameters.deploymentId ?? parameters.deployment);
}

/** Prompt tokens of the call's request, counted the way the model counts them. */
export async function estimatePromptTokens(call: Call): Promise<number> {
  const body = call.requestJson();
  const modelName = callModelName(call);
  await loadEncodingFor(modelName);
  if (Array.isArray(body?.messages)) return countChatPromptTokens(body.messages as ChatMessageInput[], modelName);
  const input = body?.input ?? body?.prompt;
  if (typeof input === 'string') return countTokens(input, modelName);
  if (Array.isArray(input)) return input.reduce((sum: number, item) => sum + (typeof item === 'string' ? countTokens(item, modelName) : 0), 0);
  return 0;
}

export function usageFrom(value: unknown): TokenUsage | undefined {
  const usage = (value as { usage?: Record<string, unknown> } | undefined)?.usage;
  if (!usage || typeof usage !== 'object') return undefined;
  const prompt = Number(usage.prompt_tokens ?? usage.input_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? usage.output_tokens ?? 0);
  const total = Number(usage.total_tokens ?? prompt + completion);
  if (![prompt, completion, total].every(Number.isFinite)) return undefined;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total, estimated: false };
}

/** The text of the top-level `"usage": {...}` object, found without parsing the whole answer. */
function usageText(body: string): string | undefined {
  const at = body.lastIndexOf('"usage"');
  if (at < 0) return undefined;
  const open = body.indexOf('{', at);
  if (open < 0 || body.slice(at + 7, open).trim() !== ':') return undefined;
  let depth = 0;
  for (let i = open; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') {
      for (i++; i < body.length && body[i] !== '"'; i++) if (body[i] === '\\') i++;
    } else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return body.slice(open, i + 1);
  }
  return undefined;
}

/** Usage from a complete JSON response body (undefined for errors or bodies without usage). */
export function usageFromBody(body: string): TokenUsage | undefined {
  try {
    const text = usageText(body);
    return text === undefined ? usageFrom(JSON.parse(body)) : usageFrom({ usage: JSON.parse(text) });
  } catch {
    return undefined;
  }
}

/**
 * Passes a server-sent-events stream through unchanged while reading it; `onEnd` gets the usage
 * (reported or estimated) once the stream is over, also when the client stops reading early.
 */
export async function* watchStream(call: Call, stream: AsyncIterable<string>, onEnd: (usage: TokenUsage | undefined) => void): AsyncGenerator<string> {
  let pending = '';
  let reported: TokenUsage | undefined;
  let completionText = '';
  let sawData = false;
  const readLine = (line: string): void => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') return;
    try {
      const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: unknown } }> };
      sawData = true;
      reported = usageFrom(chunk) ?? reported;
      for (const choice of chunk.choices ?? []) if (typeof choice.delta?.content === 'string') completionText += choice.delta.content;
    } catch {
      // Not JSON: nothing to count.
    }
  };
  let finished = false;
  try {
    for await (const piece of stream) {
      pending += piece;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        readLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      yield piece;
    }
    readLine(pending);
    finished = true;
  } finally {
    let usage = reported;
    if (!usage && sawData) {
      try {
        const modelName = callModelName(call);
        await loadEncodingFor(modelName);
        const promptTokens = await estimatePromptTokens(call);
        const completionTokens = countTokens(completionText, modelName);
        usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
      } catch (error) {
        call.deps.log(`Could not estimate the tokens of a streamed answer: ${(error as Error).message}`);
      }
    }
    if (!finished) call.deps.log('The client stopped reading a streamed answer before its end; its tokens are counted as far as it went.');
    onEnd(usage);
  }
}
