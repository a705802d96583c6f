/**
 * The request a reader sends through the in-page gateway: which APIM subscription key, the
 * caller's `x-user-id`, the prompt, `max_tokens` and streaming.
 */
import React, { type ReactNode } from 'react';
import { SUBSCRIPTION_PRESETS, type KeyChoice, type RequestSettings } from './presets.ts';
import styles from './styles.module.css';

interface Props {
  settings: RequestSettings;
  onChange(settings: RequestSettings): void;
  onSend(): void;
  sending: boolean;
}

function keyValue(choice: KeyChoice): string {
  return choice.kind === 'preset' ? `preset:${choice.sid}` : choice.kind;
}

function parseKeyValue(value: string): KeyChoice {
  if (value === 'missing' || value === 'invalid') return { kind: value };
  return { kind: 'preset', sid: value.slice('preset:'.length) };
}

export default function RequestPanel({ settings, onChange, onSend, sending }: Props): ReactNode {
  const update = (patch: Partial<RequestSettings>) => onChange({ ...settings, ...patch });
  const onKeyChange = (value: string) => {
    const key = parseKeyValue(value);
    const preset = key.kind === 'preset' ? SUBSCRIPTION_PRESETS.find((p) => p.sid === key.sid) : undefined;
    update(preset ? { key, userId: preset.suggestedUserId } : { key });
  };

  return (
    <form
      className={styles.form}
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <label className={styles.field}>
        <span>Subscription key (sent as <code>api-key</code>)</span>
        <select value={keyValue(settings.key)} onChange={(event) => onKeyChange(event.target.value)} data-testid="playground-subscription">
          {SUBSCRIPTION_PRESETS.map((preset) => (
            <option key={preset.sid} value={`preset:${preset.sid}`}>
              {preset.displayName}: {preset.sid}
            </option>
          ))}
          <option value="missing">No key (see APIM refuse the call)</option>
          <option value="invalid">A key APIM does not know</option>
        </select>
      </label>
      <label className={styles.field}>
        <span>
          <code>x-user-id</code> header
        </span>
        <input type="text" value={settings.userId} onChange={(event) => update({ userId: event.target.value })} data-testid="playground-user-id" />
      </label>
      <label className={styles.field}>
        <span>Prompt (the user message)</span>
        <textarea rows={3} value={settings.prompt} onChange={(event) => update({ prompt: event.target.value })} data-testid="playground-prompt" />
      </label>
      <div className={styles.row}>
        <label className={styles.field}>
          <span>
            <code>max_tokens</code>
          </span>
          <input
            type="number"
            min={1}
            max={4096}
            value={settings.maxTokens}
            onChange={(event) => update({ maxTokens: Math.max(1, Math.min(4096, Number(event.target.value) || 1)) })}
            data-testid="playground-max-tokens"
          />
        </label>
        <label className={styles.check}>
          <input type="checkbox" checked={settings.stream} onChange={(event) => update({ stream: event.target.checked })} data-testid="playground-stream" />
          <span>
            Stream (<code>"stream": true</code>)
          </span>
        </label>
        <label className={styles.check}>
          <input
            type="checkbox"
            checked={settings.includeUsage}
            disabled={!settings.stream}
            onChange={(event) => update({ includeUsage: event.target.checked })}
            data-testid="playground-include-usage"
          />
          <span>
            Usage chunk (<code>include_usage</code>)
          </span>
        </label>
      </div>
      <button type="submit" className="button button--primary" disabled={sending} data-testid="playground-send">
        {sending ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}
