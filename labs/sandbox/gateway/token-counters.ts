/**
 * The counters behind the token-limit policies: one per counter-key value, shared by every scope
 * that configures the policy. Tokens per minute use a one-minute window opened by the first
 * tokens counted in it; quotas use fixed calendar windows in UTC (hour, day, ISO week, month, year).
 */

export type QuotaPeriod = 'Hourly' | 'Daily' | 'Weekly' | 'Monthly' | 'Yearly';

export interface Window {
  start: number;
  end: number;
  used: number;
}

const MINUTE = 60_000;

export function quotaWindowBounds(period: QuotaPeriod, now: number): { start: number; end: number } {
  const date = new Date(now);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  switch (period) {
    case 'Hourly': {
      const start = Date.UTC(y, m, d, date.getUTCHours());
      return { start, end: start + 3_600_000 };
    }
    case 'Daily':
      return { start: Date.UTC(y, m, d), end: Date.UTC(y, m, d + 1) };
    case 'Weekly': {
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      return { start: Date.UTC(y, m, d - sinceMonday), end: Date.UTC(y, m, d - sinceMonday + 7) };
    }
    case 'Monthly':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
    case 'Yearly':
      return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
  }
}

/** Past this many counters, windows that have ended are dropped (keys such as client IPs add up). */
const PRUNE_ABOVE = 10_000;

function prune(windows: Map<string, Window>, now: number): void {
  if (windows.size <= PRUNE_ABOVE) return;
  for (const [key, window] of windows) if (now >= window.end) windows.delete(key);
}

export class TokenCounters {
  private readonly minutes = new Map<string, Window>();
  private readonly quotas = new Map<string, Window>();

  /** The current per-minute window of `key` (a fresh one when the last has ended). */
  minute(key: string, now: number): Window {
    let window = this.minutes.get(key);
    if (!window || now >= window.end) {
      prune(this.minutes, now);
      window = { start: now, end: now + MINUTE, used: 0 };
      this.minutes.set(key, window);
    }
    return window;
  }

  quota(key: string, period: QuotaPeriod, now: number): Window {
    const mapKey = `${period}\u0000${key}`;
    let window = this.quotas.get(mapKey);
    if (!window || now >= window.end) {
      prune(this.quotas, now);
      window = { ...quotaWindowBounds(period, now), used: 0 };
      this.quotas.set(mapKey, window);
    }
    return window;
  }
}
