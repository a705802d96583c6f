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

/** The uses of one deployment within the last minute, oldest first, with their token sum. */
class Window {
  private uses: Use[] = [];
  private head = 0;
  tokens = 0;

  get requests(): number {
    return this.uses.length - this.head;
  }

  /** Drops what is older than a minute at `now`. */
  advance(now: number): void {
    while (this.head < this.uses.length && this.uses[this.head].time <= now - WINDOW_MS) {
      this.tokens -= this.uses[this.head].tokens;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.uses.length) {
      this.uses = this.uses.slice(this.head);
      this.head = 0;
    }
  }

  add(use: Use): void {
    this.uses.push(use);
    this.tokens += use.tokens;
  }

  setTokens(use: Use, tokens: number): void {
    this.tokens += tokens - use.tokens;
    use.tokens = tokens;
  }

  oldest(): Use {
    return this.uses[this.head];
  }

  /** Seconds until enough of the minute's tokens have aged out for `estimate` more to fit under `limit`. */
  secondsUntilRoomFor(estimate: number, limit: number, now: number): number {
    if (estimate > limit) return WINDOW_MS / 1000;
    let stillUsed = this.tokens;
    for (let i = this.head; i < this.uses.length; i++) {
      stillUsed -= this.uses[i].tokens;
      if (stillUsed + estimate <= limit) return secondsUntil(this.uses[i].time + WINDOW_MS, now);
    }
    return WINDOW_MS / 1000;
  }
}

export class DeploymentRateLimiter {
  private readonly windows = new Map<string, Window>();

  /** Whether `deploymentId`, with `capacity` units, takes a request estimated at `estimatedTokens` at `now`. */
  admit(deploymentId: string, capacity: number, estimatedTokens: number, now: number): Admission | Refusal {
    const tokenLimit = capacity * TOKENS_PER_CAPACITY_UNIT;
    const requestLimit = capacity * REQUESTS_PER_CAPACITY_UNIT;
    const key = deploymentId.toLowerCase();
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new Window();
      this.windows.set(key, window);
    }
    window.advance(now);
    const current = window;
    const remaining = () => ({
      remainingTokens: Math.max(0, tokenLimit - current.tokens),
      remainingRequests: Math.max(0, requestLimit - current.requests),
    });
    if (current.requests >= requestLimit) {
      return { admitted: false, limit: 'call', retryAfterSeconds: secondsUntil(current.oldest().time + WINDOW_MS, now), ...remaining() };
    }
    if (current.tokens + estimatedTokens > tokenLimit) {
      return { admitted: false, limit: 'token', retryAfterSeconds: current.secondsUntilRoomFor(estimatedTokens, tokenLimit, now), ...remaining() };
    }
    const use: Use = { time: now, tokens: 0 };
    current.add(use);
    return {
      admitted: true,
      ...remaining(),
      commit(tokens: number) {
        current.setTokens(use, tokens);
        return remaining();
      },
    };
  }
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
