/**
 * lab:metrics: read the token metrics back with KQL.
 *
 * Application Insights receives APIM's metrics after an ingestion delay (usually 20 seconds to a
 * few minutes on Azure), so the lab polls the Logs query API until every call lab:traffic made is
 * counted. It then prints tokens per subscription and user (labs/queries/tokens-by-subscription.kql),
 * checks them against the usage the answers reported, and draws total tokens per minute
 * (labs/queries/tokens-over-time.kql).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLab } from './lib/lab.ts';
import { LabCheckError } from './lib/errors.ts';
import { QUERY_FILES, readLabFile } from './lib/files.ts';
import { queryRows, type Row } from './lib/logs.ts';
import { formatNumber, seconds } from './lib/output.ts';

const MINUTE = 60_000;

interface Totals {
  calls: number;
  prompt: number;
  completion: number;
  total: number;
}

function addUp<T>(items: T[], key: (item: T) => string, values: (item: T) => Totals): Map<string, Totals> {
  const sums = new Map<string, Totals>();
  for (const item of items) {
    const sum = sums.get(key(item)) ?? { calls: 0, prompt: 0, completion: 0, total: 0 };
    const value = values(item);
    sum.calls += value.calls;
    sum.prompt += value.prompt;
    sum.completion += value.completion;
    sum.total += value.total;
    sums.set(key(item), sum);
  }
  return sums;
}

const fromMetrics = (row: Row): Totals => ({
  calls: Number(row.calls ?? 0),
  prompt: Number(row.promptTokens ?? 0),
  completion: Number(row.completionTokens ?? 0),
  total: Number(row.totalTokens ?? 0),
});

await runLab(
  {
    step: 'metrics',
    title: 'Test monitoring: read the token metrics',
    options: { timeout: { type: 'string', default: '600' } },
    usage: ['--timeout <seconds>   how long to wait for the metrics to arrive (default 600)'],
  },
  async (lab) => {
    const { clients, names, out, state, settings } = lab;
    const timeoutMs = Number(lab.flags.timeout) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new LabCheckError(`--timeout is "${lab.flags.timeout}": give a number of seconds, such as 600.`);

    const componentId =
      `/subscriptions/${lab.target.subscriptionId}/resourceGroups/${names.resourceGroup}` +
      `/providers/Microsoft.Insights/components/${names.appInsights}`;
    await lab.require(`The Application Insights component ${names.appInsights}`, 'app-insights', () =>
      clients.resources.resources.getById(componentId, '2020-02-02'),
    );
    const calls = state.read().traffic;
    lab.prerequisite(calls.length > 0, 'Traffic recorded by lab:traffic', 'traffic');

    const expected = addUp(calls, (call) => call.subscription, (call) => ({
      calls: 1,
      prompt: call.promptTokens,
      completion: call.completionTokens,
      total: call.totalTokens,
    }));
    const firstCall = Math.min(...calls.map((call) => Date.parse(call.at)));
    const windowStart = new Date(Math.floor(firstCall / MINUTE) * MINUTE - MINUTE);
    const bySubscriptionQuery = readLabFile(QUERY_FILES.bySubscription);

    out.heading(`Waiting for ${calls.length} calls' token metrics in ${names.appInsights}`);
    out.code(`KQL (${QUERY_FILES.bySubscription}):`, bySubscriptionQuery);
    const started = Date.now();
    let queries = 0;
    const rows = await out.task(
      'Querying customMetrics until every call is counted',
      async () => {
        for (let wait = 1000; ; wait = Math.min(wait * 2, 15_000)) {
          queries += 1;
          lab.doing('querying the token metrics');
          const found = await queryRows(clients.logs, componentId, bySubscriptionQuery, windowStart, new Date(Date.now() + MINUTE));
          const arrived = addUp(found, (row) => String(row.subscription ?? ''), fromMetrics);
          const complete = [...expected].every(([subscription, sum]) => (arrived.get(subscription)?.calls ?? 0) >= sum.calls);
          if (complete) return found;
          if (Date.now() - started + wait > timeoutMs) {
            const counted = [...arrived.values()].reduce((acc, sum) => acc + sum.calls, 0);
            throw new LabCheckError(
              `Only ${counted} of ${calls.length} calls had arrived in Application Insights after ${seconds(Date.now() - started)}. ` +
                'Ingestion can take several minutes on Azure: run `npm run lab:metrics` again in a few minutes. If the metrics never arrive, ' +
                'check that lab:app-insights enabled custom metrics with dimensions and lab:monitoring set metrics: true (run both again: they fix what differs).',
            );
          }
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      },
      () => `Token metrics arrived (${queries} ${queries === 1 ? 'query' : 'queries'})`,
    );

    out.heading('Tokens per subscription and user (from the metrics)');
    out.table(
      ['Subscription', 'User', 'Calls', 'Prompt', 'Completion', 'Total'],
      rows.map((row) => [String(row.subscription), String(row.user), ...Object.values(fromMetrics(row))]),
    );

    out.heading('Check: metrics against the usage lab:traffic saw');
    const measured = addUp(rows, (row) => String(row.subscription ?? ''), fromMetrics);
    const streamed = new Set(calls.filter((call) => call.streamed).map((call) => call.subscription));
    const mismatches: string[] = [];
    const checkRows = [...expected].map(([subscription, sum]) => {
      const got = measured.get(subscription) ?? { calls: 0, prompt: 0, completion: 0, total: 0 };
      const same = got.total === sum.total && got.prompt === sum.prompt && got.completion === sum.completion;
      if (!same && !streamed.has(subscription)) mismatches.push(subscription);
      return [subscription, sum.calls, sum.total, got.total, same ? '✔ equal' : streamed.has(subscription) ? '≈ streamed calls are estimated' : '✖ differs'];
    });
    out.table(['Subscription', 'Calls', 'Traffic total', 'Metrics total', 'Check'], checkRows);

    out.heading('Total tokens per minute (from the metrics)');
    const overTimeQuery = readLabFile(QUERY_FILES.overTime);
    out.code(`KQL (${QUERY_FILES.overTime}):`, overTimeQuery);
    const now = Date.now();
    const chartEnd = Math.floor(now / MINUTE) * MINUTE;
    const chartStart = Math.max(Math.min(windowStart.getTime(), chartEnd - 9 * MINUTE), chartEnd - 59 * MINUTE);
    const points = await queryRows(clients.logs, componentId, overTimeQuery, new Date(chartStart), new Date(now + MINUTE));
    const subscriptions = [...expected.keys()];
    const minutes = Array.from({ length: (chartEnd - chartStart) / MINUTE + 1 }, (_, index) => chartStart + index * MINUTE);
    const tokensAt = (subscription: string, minute: number): number =>
      points
        .filter((point) => point.subscription === subscription && new Date(point.timestamp as string | Date).getTime() === minute)
        .reduce((acc, point) => acc + Number(point.tokens ?? 0), 0);
    const series = subscriptions.map((subscription) => ({ name: subscription, values: minutes.map((minute) => tokensAt(subscription, minute)) }));
    const clock = (time: number) => new Date(time).toISOString().slice(11, 16);
    out.chart(series, `${clock(chartStart)} → ${clock(chartEnd)} UTC, total tokens per minute`);

    // The series for the lesson page's chart (written next to the lab state; labs:capture keeps it).
    mkdirSync(settings.stateDir, { recursive: true });
    const seriesFile = join(settings.stateDir, 'metrics-series.json');
    const saved = {
      query: QUERY_FILES.overTime,
      binMinutes: 1,
      subscriptions,
      points: minutes.map((minute, index) => ({ time: new Date(minute).toISOString(), ...Object.fromEntries(series.map((s) => [s.name, s.values[index]])) })),
      totals: rows.map((row) => ({ subscription: String(row.subscription), user: String(row.user), ...fromMetrics(row) })),
    };
    writeFileSync(seriesFile, JSON.stringify(saved, null, 2) + '\n');

    if (mismatches.length > 0) {
      throw new LabCheckError(
        `The metrics of ${mismatches.join(', ')} differ from the usage the answers reported. Check that the API policy is one of labs/policies/*token*.xml (run \`npm run lab:policy\`) and that no other client used these subscriptions.`,
      );
    }
    const total = [...expected.values()].reduce((acc, sum) => acc + sum.total, 0);
    out.line();
    out.success(`All ${formatNumber(total)} tokens of ${calls.length} calls are in the metrics, split by subscription and user.`);
    out.info('Next: `npm run lab:cleanup` deletes everything when you are done.');
  },
);
