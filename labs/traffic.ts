/**
 * lab:traffic: test monitoring by sending chat completions through the APIM gateway.
 *
 * Each call uses the `openai` package's AzureOpenAI client, pointed at the gateway with one
 * APIM subscription's key (in the `api-key` header) and an `x-user-id` header naming the caller;
 * one call is streamed. The usage each answer reports is printed and kept in the lab state, so
 * lab:metrics can check the metrics API Management sent against it.
 */
import { runLab } from './lib/lab.ts';
import { policyElements } from './lib/files.ts';
import { formatNumber } from './lib/output.ts';
import type { TrafficCall } from './lib/state.ts';

const SYSTEM = 'You are a concise assistant in a course about Azure API Management.';

/** Who calls, with which APIM subscription, and what they ask. */
const CALLS = [
  { subscription: 'chat-app', user: 'ana', prompt: 'In two sentences, what does an API gateway do?' },
  { subscription: 'chat-app', user: 'ben', prompt: 'Give three tips to keep the cost of LLM calls predictable.' },
  { subscription: 'chat-app', user: 'ana', prompt: "Translate 'token budget' into French.", maxTokens: 20 },
  {
    subscription: 'summarizer-app',
    user: 'nightly-job',
    prompt:
      'Summarize in one sentence: API Management sits between apps and Azure OpenAI, checks each caller\'s key, ' +
      'applies policies and sends token metrics to Application Insights.',
    maxTokens: 60,
  },
  { subscription: 'summarizer-app', user: 'nightly-job', prompt: 'Summarize in one sentence why token metrics need dimensions.', stream: true },
  { subscription: 'data-team', user: 'chen', prompt: 'Write a KQL query that adds up valueSum from customMetrics by name.' },
  { subscription: 'data-team', user: 'dana', prompt: 'What is a tokens-per-minute limit?', maxTokens: 40 },
];

function shorten(text: string, length = 38): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}

await runLab({ step: 'traffic', title: 'Test monitoring: send traffic' }, async (lab) => {
  const { clients, names, out, state } = lab;
  const rg = names.resourceGroup;
  const apim = await lab.require(`The API Management instance ${names.apim}`, 'setup', () => clients.apim.apiManagementService.get(rg, names.apim));
  await lab.require(`The API ${names.api}`, 'import-api', () => clients.apim.api.get(rg, names.apim, names.api));
  const policy = (await clients.apim.apiPolicy.listByApi(rg, names.apim, names.api)).value?.[0]?.value ?? '';
  const elements = policyElements(policy);
  const diagnostic = await lab.find(() => clients.apim.apiDiagnostic.get(rg, names.apim, names.api, names.diagnostic));
  lab.prerequisite(diagnostic?.metrics === true, 'An Application Insights diagnostic with metrics: true on the API', 'monitoring');
  lab.prerequisite(
    elements.has('azure-openai-emit-token-metric') || elements.has('llm-emit-token-metric'),
    'A token metric policy on the API',
    'policy',
  );

  out.heading(`Calls through ${apim.gatewayUrl}/${names.apiPath}`);
  const keys = new Map<string, string>();
  for (const subscription of names.subscriptions) {
    const secrets = await lab.require(`The subscription ${subscription.id}`, 'import-api', () =>
      clients.apim.subscription.listSecrets(rg, names.apim, subscription.id),
    );
    keys.set(subscription.id, secrets.primaryKey ?? '');
  }

  const made: TrafficCall[] = [];
  const rows: Array<Array<string | number>> = [];
  for (const [index, call] of CALLS.entries()) {
    const client = clients.openAi(apim.gatewayUrl ?? '', keys.get(call.subscription) ?? '');
    const messages = [
      { role: 'system' as const, content: SYSTEM },
      { role: 'user' as const, content: call.prompt },
    ];
    const request = { headers: { 'x-user-id': call.user } };
    lab.doing(`sending call ${index + 1} as ${call.subscription} / ${call.user}`);
    const label = `Call ${index + 1}: ${call.subscription} / ${call.user}${call.stream ? ' (streamed)' : ''}`;
    const result = await out.task(
      label,
      async () => {
        if (call.stream) {
          const stream = await client.chat.completions.create(
            { model: names.modelDeployment, messages, max_tokens: call.maxTokens, stream: true, stream_options: { include_usage: true } },
            request,
          );
          let answer = '';
          let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
          for await (const chunk of stream) {
            answer += chunk.choices[0]?.delta?.content ?? '';
            if (chunk.usage) usage = chunk.usage;
          }
          return { answer, usage };
        }
        const completion = await client.chat.completions.create({ model: names.modelDeployment, messages, max_tokens: call.maxTokens }, request);
        return { answer: completion.choices[0]?.message?.content ?? '', usage: completion.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
      },
      ({ usage }) => `${label}: ${formatNumber(usage.total_tokens)} tokens`,
    );
    made.push({
      at: new Date().toISOString(),
      subscription: call.subscription,
      user: call.user,
      streamed: Boolean(call.stream),
      promptTokens: result.usage.prompt_tokens,
      completionTokens: result.usage.completion_tokens ?? 0,
      totalTokens: result.usage.total_tokens,
    });
    rows.push([index + 1, call.subscription, call.user, call.stream ? 'stream' : 'plain', result.usage.prompt_tokens, result.usage.completion_tokens ?? 0, result.usage.total_tokens, shorten(result.answer)]);
  }
  state.update((current) => current.traffic.push(...made));

  out.heading('Usage reported by each answer');
  out.table(['#', 'Subscription', 'User', 'Mode', 'Prompt', 'Completion', 'Total', 'Answer'], rows);

  out.heading('Tokens per subscription (this run)');
  const totals = new Map<string, { calls: number; prompt: number; completion: number; total: number }>();
  for (const call of made) {
    const sum = totals.get(call.subscription) ?? { calls: 0, prompt: 0, completion: 0, total: 0 };
    sum.calls += 1;
    sum.prompt += call.promptTokens;
    sum.completion += call.completionTokens;
    sum.total += call.totalTokens;
    totals.set(call.subscription, sum);
  }
  const totalRows = [...totals].map(([subscription, sum]) => [subscription, sum.calls, sum.prompt, sum.completion, sum.total]);
  totalRows.push(['all', made.length, ...[2, 3, 4].map((column) => totalRows.reduce((acc, row) => acc + Number(row[column]), 0))]);
  out.table(['Subscription', 'Calls', 'Prompt', 'Completion', 'Total'], totalRows);
  lab.onAzure(() => out.note('Azure estimates the tokens of streamed calls, so their metrics can differ slightly from the usage above.'));
  out.line();
  out.info('Next: `npm run lab:metrics` reads the token metrics back with KQL.');
});
