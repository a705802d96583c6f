/**
 * Total tokens per APIM subscription over time, drawn from the series a real `lab:metrics` run
 * saved (`labs/transcripts/metrics-series.json`). The table is in the page itself; the chart
 * library loads only once the figure scrolls into view. Without a saved series, nothing shows.
 */
import React, { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from 'react';
import { metricsSeries } from '@site/src/data/labFiles.ts';
import { formatCount, shortTime, toChartData, userTotals } from './series.ts';
import styles from './styles.module.css';

const Chart = lazy(() => import('./Chart.tsx'));

interface Props {
  title?: string;
}

function useSeenOnce<T extends Element>(): [React.RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return undefined;
    if (typeof IntersectionObserver === 'undefined') {
      setSeen(true);
      return undefined;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
    }, { rootMargin: '200px' });
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return [ref, seen];
}

export default function TokenChart({ title = 'Total tokens per APIM subscription, per minute' }: Props): ReactNode {
  const data = toChartData(metricsSeries);
  const [ref, seen] = useSeenOnce<HTMLDivElement>();
  if (!data) return null;
  const grandTotal = Object.values(data.totals).reduce((sum, value) => sum + value, 0);
  const perUser = userTotals(metricsSeries);
  return (
    <figure className={styles.figure} data-token-chart>
      <figcaption className={styles.caption}>{title} (from a captured lab:metrics run)</figcaption>
      <div ref={ref} className={styles.plot} aria-hidden="true">
        {seen && (
          <Suspense fallback={<p className={styles.loading}>Loading chart…</p>}>
            <Chart data={data} />
          </Suspense>
        )}
      </div>
      <table className={styles.table}>
        <caption className={styles.tableCaption}>
          The same data as a table: {formatCount(grandTotal)} tokens in {data.rows.length} minute(s) from{' '}
          {shortTime(data.rows[0]!.time)} to {shortTime(data.rows[data.rows.length - 1]!.time)} UTC.
        </caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Total tokens</th>
          </tr>
        </thead>
        <tbody>
          {data.keys.map((key) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>{formatCount(data.totals[key]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {perUser.length > 0 && (
        <table className={styles.table}>
          <caption className={styles.tableCaption}>Tokens per app and user in the same run, as lab:metrics printed them.</caption>
          <thead>
            <tr>
              <th scope="col">Subscription (app)</th>
              <th scope="col">User</th>
              <th scope="col">Calls</th>
              <th scope="col">Prompt</th>
              <th scope="col">Completion</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {perUser.map((row) => (
              <tr key={`${row.subscription}/${row.user}`}>
                <th scope="row">{row.subscription}</th>
                <td>{row.user}</td>
                <td>{row.calls}</td>
                <td>{formatCount(row.prompt)}</td>
                <td>{formatCount(row.completion)}</td>
                <td>{formatCount(row.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
