/**
 * Benchmark of the gateway path against the model alone, in one started sandbox with the model's
 * latency at 0: the same chat completion request, sent over HTTPS by the same client, either to the
 * Azure OpenAI endpoint directly or through API Management with the course's policy (managed
 * identity, backend, token metrics with dimensions) and a diagnostic that sends the metrics.
 * Throughput at concurrency 50; added latency as the difference of the medians at concurrency 1.
 */
import { startGatewayLab } from '../sandbox/gateway-harness.ts';

const WARM_UP = 3_000;
const THROUGHPUT_CALLS = 4_000;
const CONCURRENCY = 50;
const LATENCY_PAIRS = 1_500;
const PROMPTS = ['What is a token?', 'Explain tokens per minute.', 'Why use API Management in front of a model?', 'Summarise Application Insights in one line.'];

export interface GatewayBench {
  gatewayThroughputRatio: number;
  gatewayAddedP50Ms: number;
  directRps: number;
  gatewayRps: number;
  directP50Ms: number;
  gatewayP50Ms: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function benchGateway(log: (message: string) => void = console.log): Promise<GatewayBench> {
  const lab = await startGatewayLab({ capacity: 100_000 });
  try {
    const path = '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21';
    const targets = {
      direct: { url: `${lab.accountEndpoint.replace(/\/$/, '')}${path}`, key: lab.accountKey },
      gateway: { url: `${lab.gatewayUrl}${path}`, key: lab.subscriptionKey },
    };
    let counter = 0;
    const send = async (target: keyof typeof targets): Promise<number> => {
      const i = counter++;
      const body = JSON.stringify({ messages: [{ role: 'user', content: PROMPTS[i % PROMPTS.length] }], max_tokens: 16 });
      const started = performance.now();
      const response = await fetch(targets[target].url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': targets[target].key, 'x-user-id': `user-${i % 20}` },
        body,
        dispatcher: lab.dispatcher,
      } as RequestInit);
      await response.text();
      if (response.status !== 200) throw new Error(`${target} answered ${response.status}`);
      return performance.now() - started;
    };
    const throughput = async (target: keyof typeof targets, calls: number): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < calls) {
            next++;
            await send(target);
          }
        }),
      );
      return calls / ((performance.now() - started) / 1000);
    };

    log(`warming up: ${WARM_UP} calls on each path`);
    await throughput('direct', WARM_UP);
    await throughput('gateway', WARM_UP);

    const direct: number[] = [];
    const gateway: number[] = [];
    for (let round = 0; round < 3; round++) {
      direct.push(await throughput('direct', THROUGHPUT_CALLS));
      gateway.push(await throughput('gateway', THROUGHPUT_CALLS));
    }
    const directRps = Math.round(median(direct));
    const gatewayRps = Math.round(median(gateway));
    log(`throughput at concurrency ${CONCURRENCY} (median of 3 rounds of ${THROUGHPUT_CALLS} calls): model direct ${directRps} calls/s, through the gateway ${gatewayRps} calls/s`);

    const directLatency: number[] = [];
    const gatewayLatency: number[] = [];
    for (let i = 0; i < LATENCY_PAIRS; i++) {
      directLatency.push(await send('direct'));
      gatewayLatency.push(await send('gateway'));
    }
    const directP50Ms = median(directLatency);
    const gatewayP50Ms = median(gatewayLatency);
    log(`latency at concurrency 1 (median of ${LATENCY_PAIRS} alternating calls): model direct ${directP50Ms.toFixed(2)} ms, through the gateway ${gatewayP50Ms.toFixed(2)} ms`);

    const [[metricRows]] = await lab.query('AppMetrics | where Name == "Total Tokens" | count');
    log(`token metric rows written during the run: ${Number(metricRows).toLocaleString('en-US')}`);
    return {
      gatewayThroughputRatio: Math.round((gatewayRps / directRps) * 100) / 100,
      gatewayAddedP50Ms: Math.round((gatewayP50Ms - directP50Ms) * 100) / 100,
      directRps,
      gatewayRps,
      directP50Ms: Math.round(directP50Ms * 100) / 100,
      gatewayP50Ms: Math.round(gatewayP50Ms * 100) / 100,
    };
  } finally {
    await lab.close();
  }
}
