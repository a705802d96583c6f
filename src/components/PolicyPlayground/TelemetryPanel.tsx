/**
 * The Application Insights side: the `customMetrics` rows the calls produced (once the ingestion
 * delay has passed, as on Azure), how many items are still on their way, and the sandbox log
 * that says why a metric was dropped or stripped of its dimensions.
 */
import React, { type ReactNode } from 'react';
import type { TelemetryView } from './playgroundSandbox.ts';
import ResultTable from './ResultTable';
import styles from './styles.module.css';

interface Props {
  telemetry: TelemetryView;
  ingestionDelayMs: number;
}

function TelemetryPanel({ telemetry, ingestionDelayMs }: Props): ReactNode {
  return (
    <div data-testid="playground-telemetry" data-metric-rows={telemetry.metrics.rows.length} data-pending={telemetry.pending}>
      <p className={styles.muted} aria-live="polite">
        {telemetry.pending > 0
          ? `${telemetry.pending} telemetry ${telemetry.pending === 1 ? 'item is' : 'items are'} on the way: Application Insights shows them about ${Math.round(ingestionDelayMs / 1000)} s after the call (on Azure, 20 s to a few minutes).`
          : 'Every telemetry item sent so far has arrived.'}
      </p>
      <ResultTable table={telemetry.metrics} caption="customMetrics, newest first" testId="playground-metrics" />
      {telemetry.log.length > 0 && (
        <details className={styles.details} open>
          <summary>Sandbox log</summary>
          <ul className={styles.log} data-testid="playground-log">
            {telemetry.log.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Re-renders only when its own inputs change, not on every streamed piece of a response. */
export default React.memo(TelemetryPanel);
