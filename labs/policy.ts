/**
 * lab:policy: configure the token metric policy.
 *
 * Replaces the API's base policy with the same policy plus `azure-openai-emit-token-metric`
 * (labs/policies/openai-api-token-metrics.xml): after every call APIM sends Prompt Tokens,
 * Completion Tokens and Total Tokens to Application Insights, split by API, APIM subscription,
 * user (from the x-user-id header) and client IP. `--policy llm` applies the same metrics with the
 * newer `llm-emit-token-metric` (labs/policies/llm-emit-token-metric.xml).
 */
import { runLab } from './lib/lab.ts';
import { LabCheckError } from './lib/errors.ts';
import { POLICY_FILES, readLabFile, samePolicy } from './lib/files.ts';

await runLab(
  {
    step: 'policy',
    title: 'Configure policy',
    options: { policy: { type: 'string', default: 'azure-openai' } },
    usage: ['--policy azure-openai|llm   which emit-token-metric policy to apply (default azure-openai)'],
  },
  async (lab) => {
    const { clients, names, out, flags } = lab;
    const rg = names.resourceGroup;
    const choice = String(flags.policy);
    if (choice !== 'azure-openai' && choice !== 'llm') {
      throw new LabCheckError(`--policy is "${choice}": use "azure-openai" (azure-openai-emit-token-metric) or "llm" (llm-emit-token-metric).`);
    }
    const file = choice === 'llm' ? POLICY_FILES.llmTokenMetrics : POLICY_FILES.tokenMetrics;
    const wanted = readLabFile(file);

    await lab.require(`The API ${names.api}`, 'import-api', () => clients.apim.api.get(rg, names.apim, names.api));
    const diagnostic = await lab.find(() => clients.apim.apiDiagnostic.get(rg, names.apim, names.api, names.diagnostic));
    if (diagnostic?.metrics !== true) {
      out.warn('The API has no Application Insights diagnostic with metrics: true yet, so no metric will be sent. Run `npm run lab:monitoring` too.');
    }

    const readPolicy = async () => {
      const policies = await clients.apim.apiPolicy.listByApi(rg, names.apim, names.api);
      const value = policies.value?.[0]?.value;
      if (value === undefined) throw new LabCheckError(`API ${names.api} has no policy yet. Run \`npm run lab:import-api\` first.`);
      return value;
    };

    out.heading('Policy before');
    const before = await readPolicy();
    out.code(`Policy of API ${names.api} now:`, before);

    out.heading(`Token metrics with ${choice === 'llm' ? 'llm-emit-token-metric' : 'azure-openai-emit-token-metric'}`);
    const { outcome } = await lab.ensure({
      what: `Policy of API ${names.api} (${file})`,
      read: readPolicy,
      differences: (current) => (samePolicy(current, wanted) ? [] : ['emit-token-metric with dimensions API ID, Subscription ID, User ID, Client IP']),
      apply: async () => {
        await clients.apim.apiPolicy.createOrUpdate(rg, names.apim, names.api, 'policy', { format: 'rawxml', value: wanted });
        return wanted;
      },
    });

    if (outcome !== 'in place') {
      out.heading('Policy after');
      out.code(`Policy of API ${names.api} as API Management stored it:`, await readPolicy());
    }
    out.line();
    out.info('Next: `npm run lab:traffic` sends chat completions through the gateway.');
  },
);
