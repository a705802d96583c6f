/**
 * A KQL result table as the Logs query API returns it (columns with types, rows of wire values),
 * rendered for reading: dynamic cells as compact JSON, datetimes as UTC times.
 */
import React, { type ReactNode } from 'react';
import type { KqlResultTable } from '../../../labs/sandbox/kql/types.ts';
import styles from './styles.module.css';

function formatCell(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  if (type === 'datetime' && typeof value === 'string') return value.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  if (type === 'dynamic') return typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Math.round(value * 1000) / 1000);
  return String(value);
}

interface Props {
  table: KqlResultTable;
  caption: string;
  testId?: string;
  /** Show at most this many rows, with a note about the rest. */
  limit?: number;
}

export default function ResultTable({ table, caption, testId, limit = 50 }: Props): ReactNode {
  const shown = table.rows.slice(0, limit);
  return (
    <div className={styles.tableScroll}>
      <table className={styles.table} data-testid={testId} data-rows={table.rows.length}>
        <caption className={styles.caption}>
          {caption} ({table.rows.length} {table.rows.length === 1 ? 'row' : 'rows'}
          {table.rows.length > shown.length ? `, first ${shown.length} shown` : ''})
        </caption>
        <thead>
          <tr>
            {table.columns.map((column) => (
              <th key={column.name} scope="col" title={column.type}>
                {column.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => (
            <tr key={index}>
              {table.columns.map((column, cell) => (
                <td key={column.name} className={column.type === 'dynamic' ? styles.dynamicCell : undefined}>
                  {formatCell(row[cell], column.type)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
