/**
 * lab:import-api: Azure OpenAI as an API in API Management.
 *
 * 1. A backend pointing at the Azure OpenAI endpoint.
 * 2. The Azure OpenAI inference API imported from its OpenAPI document (inline, `openapi+json`),
 *    under the path `openai` with the subscription key in an `api-key` header, so any Azure OpenAI
 *    SDK works unchanged against the gateway.
 * 3. The API's policy: APIM signs in to Azure OpenAI with its managed identity and sends calls to
 *    the backend (labs/policies/openai-api.xml).
 * 4. One APIM subscription (and key) per app or team that will call the model.
 */
import { runLab } from './lib/lab.ts';
import { OPENAPI_FILE, POLICY_FILES, readLabFile, samePolicy, specOperations } from './lib/files.ts';

await runLab({ step: 'import-api', title: 'Import Azure OpenAI as API' }, async (lab) => {
  const { clients, names, out } = lab;
  const rg = names.resourceGroup;
  const account = await lab.require(`The Azure OpenAI account ${names.openAiAccount}`, 'setup', () =>
    clients.cognitive.accounts.get(rg, names.openAiAccount),
  );
  const apim = await lab.require(`The API Management instance ${names.apim}`, 'setup', () =>
    clients.apim.apiManagementService.get(rg, names.apim),
  );
  const openAiUrl = `${String(account.properties?.endpoint ?? '').replace(/\/+$/, '')}/openai`;

  out.heading('1. Backend for the Azure OpenAI endpoint');
  await lab.ensure({
    what: `Backend ${names.backend} → ${openAiUrl}`,
    read: () => clients.apim.backend.get(rg, names.apim, names.backend),
    differences: (current) => (current.url === openAiUrl ? [] : [`url ${current.url} → ${openAiUrl}`]),
    apply: () =>
      clients.apim.backend.createOrUpdate(rg, names.apim, names.backend, {
        url: openAiUrl,
        protocol: 'http',
        description: 'Azure OpenAI account of the token monitoring lab',
      }),
  });

  out.heading('2. Azure OpenAI inference API, imported from its OpenAPI document');
  const spec = readLabFile(OPENAPI_FILE);
  const wantedOperations = specOperations(spec);
  await lab.ensure({
    what: `API ${names.api} at ${apim.gatewayUrl}/${names.apiPath} (${wantedOperations.length} operations from ${OPENAPI_FILE})`,
    read: async () => {
      const api = await clients.apim.api.get(rg, names.apim, names.api);
      const operations = [];
      for await (const operation of clients.apim.apiOperation.listByApi(rg, names.apim, names.api)) operations.push(operation);
      return { api, operations };
    },
    differences: ({ api, operations }) => {
      const found: string[] = [];
      if (api.path !== names.apiPath) found.push(`path ${api.path} → ${names.apiPath}`);
      if (api.subscriptionKeyParameterNames?.header !== 'api-key') found.push('key header → api-key');
      if (api.serviceUrl !== openAiUrl) found.push(`service URL → ${openAiUrl}`);
      const have = new Set(operations.map((operation) => `${operation.name} ${operation.method}`.toLowerCase()));
      const missing = wantedOperations.filter((operation) => !have.has(`${operation.operationId} ${operation.method}`.toLowerCase()));
      if (missing.length > 0 || operations.length !== wantedOperations.length) found.push('operations differ from the OpenAPI document');
      return found;
    },
    apply: async () => {
      const api = await clients.apim.api.beginCreateOrUpdateAndWait(rg, names.apim, names.api, {
        format: 'openapi+json',
        value: spec,
        path: names.apiPath,
        displayName: 'Azure OpenAI',
        description: 'Azure OpenAI inference API (chat completions, completions, embeddings) behind API Management.',
        serviceUrl: openAiUrl,
        protocols: ['https'],
        subscriptionRequired: true,
        subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' },
      });
      return { api, operations: [] };
    },
    id: ({ api }) => api.id,
  });

  out.heading('3. API policy: managed identity to Azure OpenAI, calls sent to the backend');
  const basePolicy = readLabFile(POLICY_FILES.base);
  await lab.ensure({
    what: `Policy of API ${names.api} (${POLICY_FILES.base})`,
    read: async () => {
      const policies = await clients.apim.apiPolicy.listByApi(rg, names.apim, names.api);
      const current = policies.value?.[0]?.value;
      if (current === undefined) throw Object.assign(new Error('no policy'), { statusCode: 404 });
      return current;
    },
    // lab:policy later adds token metrics on top of this base; that counts as in place too.
    differences: (current) =>
      Object.values(POLICY_FILES).some((file) => samePolicy(current, readLabFile(file))) ? [] : ['differs from the lab policy'],
    apply: async () => {
      await clients.apim.apiPolicy.createOrUpdate(rg, names.apim, names.api, 'policy', { format: 'rawxml', value: basePolicy });
      return basePolicy;
    },
  });

  out.heading('4. Subscriptions: one key per app or team');
  for (const subscription of names.subscriptions) {
    await lab.ensure({
      what: `Subscription ${subscription.id} (${subscription.displayName})`,
      read: () => clients.apim.subscription.get(rg, names.apim, subscription.id),
      differences: (current) => {
        const found: string[] = [];
        if (current.state !== 'active') found.push(`state ${current.state} → active`);
        if (!(current.scope ?? '').toLowerCase().endsWith(`/apis/${names.api}`)) found.push(`scope → API ${names.api}`);
        return found;
      },
      apply: () =>
        clients.apim.subscription.createOrUpdate(rg, names.apim, subscription.id, {
          scope: `/apis/${names.api}`,
          displayName: subscription.displayName,
          state: 'active',
        }),
    });
  }

  lab.state.saveOutputs({ apiPath: names.apiPath, openAiBackendUrl: openAiUrl });
  out.line();
  out.info('Next: `npm run lab:inspect` shows what the import created.');
});
