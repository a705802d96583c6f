/**
 * A deployment's quota as Azure OpenAI applies it: `sku.capacity` units of 1,000 tokens per
 * minute, and 6 requests per minute for each 1,000 tokens per minute, over a sliding minute.
 *
 * A request is admitted when the requests of the last minute leave room for one more, and the
 * tokens of the last minute plus this request's estimate (prompt tokens plus `max_tokens` when
 * given) stay within the limit. An admitted request then counts with the tokens it really used.
 */

const WINDOW_MS = 60_000;
export const TOKENS_PER_CAPACITY_UNIT = 1_000;
export const REQUESTS_PER_CAPACITY_UNIT = 6;

interface Use {
  time: number;
  tokens: number;
}

export interface Admission {
  admitted: true;
  remainingTokens: number;
  remainingRequests: number;
  /** Records what the request used (prompt plus completion tokens). */
  commit(tokens: number): { remainingTokens: number; remainingRequests: number };
}

export interface Refusal {
  admitted: false;
  limit: 'token' | 'call';
  retryAfterSeconds: number;
  remainingTokens: number;
  remainingRequests: number;
}

export class DeploymentRateLimiter {
  private readonly uses = new Map<string, Use[]>();

  /** Whether `deploymentId`, with `capacity` units, takes a request estimated at `estimatedTokens` at `now`. */
  admit(deploymentId: string, capacity: number, estimatedTokens: number, now: number): Admission | Refusal {
    const tokenLimit = capacity * TOKENS_PER_CAPACITY_UNIT;
    const requestLimit = capacity * REQUESTS_PER_CAPACITY_UNIT;
    const key = deploymentId.toLowerCase();
    const uses = this.recent(key, now);
    const usedTokens = uses.reduce((sum, use) => sum + use.tokens, 0);
    const remaining = () => ({
      remainingTokens: Math.max(0, tokenLimit - uses.reduce((sum, use) => sum + use.tokens, 0)),
      remainingRequests: Math.max(0, requestLimit - uses.length),
    });
    if (uses.length >= requestLimit) {
      return { admitted: false, limit: 'call', retryAfterSeconds: secondsUntil(uses[0].time + WINDOW_MS, now), ...remaining() };
    }
    if (usedTokens + estimatedTokens > tokenLimit) {
      return { admitted: false, limit: 'token', retryAfterSeconds: this.tokenWait(uses, usedTokens, estimatedTokens, tokenLimit, now), ...remaining() };
    }
    const use: Use = { time: now, tokens: 0 };
    uses.push(use);
    return {
      admitted: true,
      ...remaining(),
      commit(tokens: number) {
        use.tokens = tokens;
        return remaining();
      },
    };
  }

  private recent(key: string, now: number): Use[] {
    const uses = (this.uses.get(key) ?? []).filter((use) => use.time > now - WINDOW_MS);
    this.uses.set(key, uses);
    return uses;
  }

  /** Seconds until enough of the minute's tokens have aged out for this request to fit. */
  private tokenWait(uses: Use[], usedTokens: number, estimate: number, limit: number, now: number): number {
    if (estimate > limit) return WINDOW_MS / 1000;
    let stillUsed = usedTokens;
    for (const use of uses) {
      stillUsed -= use.tokens;
      if (stillUsed + estimate <= limit) return secondsUntil(use.time + WINDOW_MS, now);
    }
    return WINDOW_MS / 1000;
  }
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
