/**
 * Reading a chat completion answer as it arrived: the token usage and the assistant's words, from a
 * JSON body or from the server-sent events of a stream (which may still be incomplete).
 */

export interface Usage {
  prompt_tokens: number;
  completion_tokens?: number;
  total_tokens: number;
}


function isUsage(value: unknown): value is Usage {
  return typeof value === 'object' && value !== null && typeof (value as Usage).total_tokens === 'number';
}

/** Usage from a JSON body, or from the usage chunk of a server-sent event stream. */
export function usageOf(body: string, streamed: boolean): Usage | undefined {
  if (!streamed) {
    try {
      const usage = (JSON.parse(body) as { usage?: unknown }).usage;
      return isUsage(usage) ? usage : undefined;
    } catch {
      return undefined;
    }
  }
  let found: Usage | undefined;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    try {
      const usage = (JSON.parse(line.slice('data: '.length)) as { usage?: unknown }).usage;
      if (isUsage(usage)) found = usage;
    } catch {
      // A piece can end mid-event while streaming; the next render reads it whole.
    }
  }
  return found;
}

/** The assistant's words: the message content, or the streamed deltas put together. */
export function assistantText(body: string, streamed: boolean): string | undefined {
  try {
    if (!streamed) return (JSON.parse(body) as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content;
    let text = '';
    for (const line of body.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      try {
        const chunk = JSON.parse(line.slice('data: '.length)) as { choices?: Array<{ delta?: { content?: string } }> };
        text += chunk.choices?.[0]?.delta?.content ?? '';
      } catch {
        // incomplete event, see above
      }
    }
    return text;
  } catch {
    return undefined;
  }
}
