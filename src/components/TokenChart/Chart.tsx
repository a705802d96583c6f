/**
 * The Recharts drawing of the token series; loaded only when the chart scrolls into view.
 */
import React, { type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { shortTime, type ChartData } from './series.ts';

/** Colours distinguishable in both themes, each at least 3:1 against light and dark surfaces. */
const COLOURS = ['#2f7ed8', '#d9822b', '#2a9d5c', '#b04fc4', '#c23b52', '#6d7f8f'];

export default function Chart({ data }: { data: ChartData }): ReactNode {
  return (
    <ResponsiveContainer width="100%" height={320}>
      <BarChart data={data.rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--ifm-color-emphasis-300)" />
        <XAxis dataKey="time" tickFormatter={shortTime} stroke="var(--ifm-color-emphasis-800)" />
        <YAxis stroke="var(--ifm-color-emphasis-800)" allowDecimals={false} />
        <Tooltip labelFormatter={(label) => `${shortTime(String(label))} UTC`} contentStyle={{ background: 'var(--ifm-background-surface-color)' }} />
        <Legend />
        {data.keys.map((key, index) => (
          <Bar key={key} dataKey={key} stackId="tokens" fill={COLOURS[index % COLOURS.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
