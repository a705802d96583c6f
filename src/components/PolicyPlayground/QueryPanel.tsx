/**
 * The KQL box: a lesson query, Run, and the answer as a table and a chart, or the same
 * `BadArgumentError` the sandbox's Logs query API returns (with line and column).
 */
import React, { type ReactNode } from 'react';
import type { QueryOutcome } from './playgroundSandbox.ts';
import ResultChart from './ResultChart';
import ResultTable from './ResultTable';
import XmlEditor from './XmlEditor';
import styles from './styles.module.css';

export const QUERY_FILES = ['tokens-over-time', 'tokens-by-subscription'] as const;
export type QueryFile = (typeof QUERY_FILES)[number];

interface Props {
  query: string;
  onQueryChange(query: string): void;
  file: QueryFile;
  onFileChange(file: QueryFile): void;
  onRun(): void;
  outcome: QueryOutcome | null;
}

function QueryPanel({ query, onQueryChange, file, onFileChange, onRun, outcome }: Props): ReactNode {
  return (
    <div>
      <div className={styles.row}>
        <label className={styles.field}>
          <span>Start from</span>
          <select value={file} onChange={(event) => onFileChange(event.target.value as QueryFile)} data-testid="playground-query-file">
            {QUERY_FILES.map((name) => (
              <option key={name} value={name}>
                labs/queries/{name}.kql
              </option>
            ))}
          </select>
        </label>
      </div>
      <XmlEditor
        value={query}
        onChange={onQueryChange}
        language="kql"
        label="KQL query"
        minHeight="8rem"
        onSubmit={onRun}
        testId="playground-kql-editor"
        error={outcome?.kind === 'error' ? { line: outcome.line, column: outcome.column } : null}
      />
      <p className={styles.actions}>
        <button type="button" className="button button--secondary" onClick={onRun} data-testid="playground-run-query">
          Run
        </button>
        <span className={styles.muted}>Ctrl+Enter runs it too. The query reads the customMetrics rows above.</span>
      </p>
      {outcome?.kind === 'error' && (
        <div className={styles.errorBox} role="alert" data-testid="playground-query-error">
          <strong>400 BadArgumentError ({outcome.errorKind})</strong> at line {outcome.line}, column {outcome.column}: {outcome.message}
        </div>
      )}
      {outcome?.kind === 'result' && (
        <div data-testid="playground-query-result">
          <ResultChart table={outcome.table} title="The query's first numeric column, by its text columns (and over time when there is a datetime column)." />
          <ResultTable table={outcome.table} caption={`PrimaryResult in ${outcome.elapsedMs} ms`} testId="playground-query-table" />
        </div>
      )}
    </div>
  );
}

/** Re-renders only when its own inputs change, not on every streamed piece of a response. */
export default React.memo(QueryPanel);
