/**
 * What came back from the gateway: status line, headers, the body as it arrived (piece by piece
 * when streamed), and the token usage read from it.
 */
import React, { type ReactNode } from 'react';
import { assistantText, usageOf } from './responseBody.ts';
import styles from './styles.module.css';

export interface ResponseState {
  /** Counts the sends of this page, so a reader (or a test) can tell one answer from the next. */
  sequence: number;
  status: number;
  headers: Record<string, string>;
  /** Body text pieces in arrival order (one piece when not streamed). */
  pieces: string[];
  done: boolean;
  /** Milliseconds from Send to the status line, and to the last piece. */
  firstByteMs: number;
  totalMs?: number;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Access Denied',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

export default function ResponseView({ response }: { response: ResponseState | null }): ReactNode {
  if (response === null) {
    return <p className={styles.muted}>Send a request to see the gateway's answer here.</p>;
  }
  const body = response.pieces.join('');
  const streamed = (response.headers['content-type'] ?? '').startsWith('text/event-stream');
  const usage = response.done ? usageOf(body, streamed) : undefined;
  const text = response.status === 200 ? assistantText(body, streamed) : undefined;
  const ok = response.status >= 200 && response.status < 300;

  return (
    <div data-testid="playground-response" data-sequence={response.sequence} data-status={response.status} data-pieces={response.pieces.length} data-done={response.done} data-total-ms={response.totalMs}>
      <p className={styles.statusLine} role="status">
        <span className={ok ? styles.statusOk : styles.statusError} data-testid="playground-status">
          HTTP {response.status} {REASONS[response.status] ?? ''}
        </span>
        <span className={styles.muted}>
          {' '}
          · first byte {response.firstByteMs} ms
          {response.totalMs !== undefined ? ` · complete ${response.totalMs} ms` : ' · receiving…'}
          {streamed ? ` · ${response.pieces.length} pieces` : ''}
        </span>
      </p>
      {usage && (
        <p className={styles.usage} data-testid="playground-usage">
          usage: prompt_tokens <strong>{usage.prompt_tokens}</strong>, completion_tokens <strong>{usage.completion_tokens ?? 0}</strong>,
          total_tokens <strong>{usage.total_tokens}</strong>
        </p>
      )}
      {response.done && streamed && usage === undefined && ok && (
        <p className={styles.muted} data-testid="playground-no-usage">
          This stream carried no usage chunk, so APIM estimates the tokens with the model's tokenizer before it emits the metrics.
        </p>
      )}
      {text !== undefined && text !== '' && (
        <blockquote className={styles.assistant} data-testid="playground-assistant">
          {text}
        </blockquote>
      )}
      <details className={styles.details}>
        <summary>Response headers ({Object.keys(response.headers).length})</summary>
        <table className={styles.table}>
          <tbody>
            {Object.entries(response.headers).map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details className={styles.details} open={!ok || streamed}>
        <summary>Response body{streamed ? ' (server-sent events, as they arrived)' : ''}</summary>
        <pre className={styles.body} data-testid="playground-body">
          {response.pieces.map((piece, index) => (
            <span key={index} data-piece={index}>
              {piece}
            </span>
          ))}
        </pre>
      </details>
    </div>
  );
}
