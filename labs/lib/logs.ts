/**
 * Running a KQL file through the Logs query API and reading its rows by column name.
 */
import type { LogsQueryClient } from '@azure/monitor-query-logs';
import { LabCheckError } from './errors.ts';

export type Row = Record<string, unknown>;

/** Runs `query` against an Application Insights component (resource-centric query) over [start, end]. */
export async function queryRows(logs: LogsQueryClient, resourceId: string, query: string, startTime: Date, endTime: Date): Promise<Row[]> {
  const result = await logs.queryResource(resourceId, query, { startTime, endTime });
  if (result.status !== 'Success') {
    throw new LabCheckError(`The Logs query API answered only part of the query: ${result.partialError.message}`);
  }
  const table = result.tables[0];
  if (!table) return [];
  return table.rows.map((row) => Object.fromEntries(table.columnDescriptors.map((column, index) => [column.name ?? `column${index}`, row[index]])));
}
