/**
 * Draws a KQL result: a line per series over time when the result has a datetime column (tokens
 * per subscription, minute by minute), else bars per row (tokens per subscription and user).
 */
import React, { type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KqlResultTable } from '../../../labs/sandbox/kql/types.ts';
import { planChart } from './chartPlan.ts';
import styles from './styles.module.css';

const COLORS = ['#0b6bcb', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0f766e', '#a16207', '#475569'];

function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export default function ResultChart({ table, title }: { table: KqlResultTable; title: string }): ReactNode {
  const plan = planChart(table);
  if (plan.kind === 'none') return <p className={styles.muted}>{plan.reason}</p>;
  return (
    <figure className={styles.chart} data-testid="playground-chart" data-kind={plan.kind}>
      <ResponsiveContainer width="100%" height={280}>
        {plan.kind === 'time' ? (
          <LineChart data={plan.data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="time" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={formatTime} />
            <YAxis allowDecimals={false} />
            <Tooltip labelFormatter={(value) => `${formatTime(Number(value))} UTC`} />
            <Legend />
            {plan.series.map((name, index) => (
              <Line key={name} dataKey={name} stroke={COLORS[index % COLORS.length]} strokeWidth={2} dot connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        ) : (
          <BarChart data={plan.data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="category" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            {plan.measures.map((name, index) => (
              <Bar key={name} dataKey={name} fill={COLORS[index % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
      <figcaption className={styles.muted}>{title}</figcaption>
    </figure>
  );
}
