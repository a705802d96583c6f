/**
 * The gateway engine's own cost, without HTTP: the same request handed in process to the model
 * alone and to the gateway (key check, composed policy with managed identity, backend and token
 * metrics, in-process forward to the same model), as the browser playground runs them.
 */
import { createModel, splitModelUrl } from '../../labs/sandbox/model/index.ts';
import { CHAT_PATH, LEARNER_KEY, createLab, withInbound } from '../unit/policy-fixture.ts';

const CALLS = 5_000;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export async function benchEngine(log: (message: string) => void = console.log): Promise<{ engineDirectP50Ms: number; engineGatewayP50Ms: number }> {
  const lab = createLab();
  lab.setPolicy(withInbound(`<azure-openai-emit-token-metric namespace="AzureOpenAI">
    <dimension name="API ID" /><dimension name="Subscription ID" />
    <dimension name="User ID" value='@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))' />
    <dimension name="Client IP" value="@(context.Request.IpAddress)" />
  </azure-openai-emit-token-metric>`));
  const model = createModel({ resources: lab.resources, verifyBearer: () => undefined, now: () => lab.clock.now, sleep: async () => {} });
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'What is a token?' }], max_tokens: 16 });
  const request = (key: string) => ({
    method: 'POST', path: CHAT_PATH, query: new URLSearchParams({ 'api-version': '2024-10-21' }),
    headers: { 'content-type': 'application/json', 'api-key': key, 'x-user-id': 'ada' }, body, ip: '127.0.0.1',
  });
  const target = splitModelUrl('https://127.0.0.1/aoai/aoai-lab/openai/deployments/gpt-4o-mini/chat/completions')!;
  const direct = () => model.handle(target.subdomain, { ...request('aoai-key-1'), path: target.path });
  const gateway = () => lab.gateway.handle('apim-lab', request(LEARNER_KEY));
  for (let i = 0; i < 1_000; i++) {
    await direct();
    await gateway();
  }
  const directTimes: number[] = [];
  const gatewayTimes: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    let started = performance.now();
    if ((await direct()).status !== 200) throw new Error('the model refused the benchmark call');
    directTimes.push(performance.now() - started);
    started = performance.now();
    if ((await gateway()).status !== 200) throw new Error('the gateway refused the benchmark call');
    gatewayTimes.push(performance.now() - started);
  }
  const engineDirectP50Ms = Math.round(median(directTimes) * 1000) / 1000;
  const engineGatewayP50Ms = Math.round(median(gatewayTimes) * 1000) / 1000;
  log(`in process, no HTTP (median of ${CALLS} calls): model alone ${engineDirectP50Ms} ms, through the gateway engine ${engineGatewayP50Ms} ms (${lab.telemetry.length} telemetry items sent)`);
  return { engineDirectP50Ms, engineGatewayP50Ms };
}
