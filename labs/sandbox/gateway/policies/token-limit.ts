/**
 * `azure-openai-token-limit` and `llm-token-limit`: per counter-key, tokens per minute (429 when
 * exceeded) and/or a token quota per period (403), both with `Retry-After`. Prompt tokens are
 * estimated up front when `estimate-prompt-tokens` is true and always for streamed calls; the
 * counters are settled with the backend's real usage when it arrives.
 */
import type { PolicyElement } from '../../policy/index.ts';
import { isStreamingRequest, type Call, type TokenUsage } from '../call.ts';
import { tokenLimitExceeded, tokenQuotaExceeded } from '../errors.ts';
import type { QuotaPeriod, Window } from '../token-counters.ts';
import { estimatePromptTokens } from '../usage.ts';
import { attribute, numberAttribute } from '../values.ts';
import type { PolicyHandler, PolicyOutcome } from './handler.ts';

interface Limits {
  key: string;
  tokensPerMinute?: number;
  quota?: number;
  period?: QuotaPeriod;
}

function readLimits(call: Call, element: PolicyElement): Limits {
  const quota = element.attributes['token-quota'];
  return {
    key: attribute(call, element, 'counter-key') ?? '',
    tokensPerMinute: numberAttribute(call, element, 'tokens-per-minute'),
    quota: quota === undefined ? undefined : Number(quota),
    period: element.attributes['token-quota-period'] as QuotaPeriod | undefined,
  };
}

function over(window: Window, limit: number, estimate: number): boolean {
  return estimate > 0 ? window.used + estimate > limit : window.used >= limit;
}

export const tokenLimit: PolicyHandler = async (element, call): Promise<PolicyOutcome> => {
  const names = element.attributes;
  const limits = readLimits(call, element);
  const estimateWanted = (names['estimate-prompt-tokens'] ?? 'false').toLowerCase() === 'true' || isStreamingRequest(call);
  const estimate = estimateWanted ? await estimatePromptTokens(call) : 0;
  const now = call.deps.now();
  const minuteWindow = () => (limits.tokensPerMinute === undefined ? undefined : call.counters.minute(limits.key, call.deps.now()));
  const quotaWindow = () => (limits.quota === undefined || !limits.period ? undefined : call.counters.quota(limits.key, limits.period, call.deps.now()));
  const setVariable = (name: string | undefined, value: unknown) => {
    if (name) call.variables.set(name, value);
  };
  const remainingMinute = () => {
    const window = minuteWindow();
    return window && limits.tokensPerMinute !== undefined ? Math.max(0, limits.tokensPerMinute - window.used) : undefined;
  };
  const remainingQuota = () => {
    const window = quotaWindow();
    return window && limits.quota !== undefined ? Math.max(0, limits.quota - window.used) : undefined;
  };
  const retryHeader = names['retry-after-header-name'] ?? 'Retry-After';

  const refuse = (window: Window, remainingVariable: string | undefined, remaining: number | undefined, answer: typeof tokenLimitExceeded): PolicyOutcome => {
    const retryAfter = Math.max(1, Math.ceil((window.end - now) / 1000));
    setVariable(names['retry-after-variable-name'], retryAfter);
    setVariable(remainingVariable, remaining);
    call.response = answer(retryAfter, retryHeader);
    return 'stop';
  };
  const minute = minuteWindow();
  if (minute && limits.tokensPerMinute !== undefined && over(minute, limits.tokensPerMinute, estimate)) {
    return refuse(minute, names['remaining-tokens-variable-name'], remainingMinute(), tokenLimitExceeded);
  }
  const quota = quotaWindow();
  if (quota && limits.quota !== undefined && over(quota, limits.quota, estimate)) {
    return refuse(quota, names['remaining-quota-tokens-variable-name'], remainingQuota(), tokenQuotaExceeded);
  }

  if (minute) minute.used += estimate;
  if (quota) quota.used += estimate;
  setVariable(names['remaining-tokens-variable-name'], remainingMinute());
  setVariable(names['remaining-quota-tokens-variable-name'], remainingQuota());
  setVariable(names['tokens-consumed-variable-name'], estimate);

  call.usageHandlers.push((usage: TokenUsage) => {
    // The windows may have rolled over while the backend answered: settle in the current ones.
    for (const [window, reserved] of [[minute, minuteWindow()], [quota, quotaWindow()]] as Array<[Window | undefined, Window | undefined]>) {
      if (!reserved) continue;
      reserved.used += reserved === window ? usage.totalTokens - estimate : usage.totalTokens;
    }
    setVariable(names['tokens-consumed-variable-name'], usage.totalTokens);
    setVariable(names['remaining-tokens-variable-name'], remainingMinute());
    setVariable(names['remaining-quota-tokens-variable-name'], remainingQuota());
  });
  call.lateHeaders.push((usage) => {
    const headers: Record<string, string> = {};
    const remaining = remainingMinute();
    const remainingInQuota = remainingQuota();
    if (names['remaining-tokens-header-name'] && remaining !== undefined) headers[names['remaining-tokens-header-name'].toLowerCase()] = String(remaining);
    if (names['remaining-quota-tokens-header-name'] && remainingInQuota !== undefined) headers[names['remaining-quota-tokens-header-name'].toLowerCase()] = String(remainingInQuota);
    if (names['tokens-consumed-header-name'] && usage) headers[names['tokens-consumed-header-name'].toLowerCase()] = String(usage.totalTokens);
    return headers;
  });
  return 'continue';
};
