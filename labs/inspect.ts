/**
 * lab:inspect: validate the import. Lists what API Management now holds for Azure OpenAI: the
 * API and its operations, the backend, the policy, and the subscriptions with their keys masked.
 * Changes nothing.
 */
import { runLab } from './lib/lab.ts';
import { mask } from './lib/output.ts';

await runLab({ step: 'inspect', title: 'Validate import' }, async (lab) => {
  const { clients, names, out } = lab;
  const rg = names.resourceGroup;
  const apim = await lab.require(`The API Management instance ${names.apim}`, 'setup', () =>
    clients.apim.apiManagementService.get(rg, names.apim),
  );
  const api = await lab.require(`The API ${names.api}`, 'import-api', () => clients.apim.api.get(rg, names.apim, names.api));

  out.heading(`API ${api.displayName}`);
  out.details([
    ['Base URL', `${apim.gatewayUrl}/${api.path}`],
    ['Key header', api.subscriptionKeyParameterNames?.header ?? 'Ocp-Apim-Subscription-Key'],
    ['Subscription required', String(api.subscriptionRequired ?? true)],
    ['Web service URL', api.serviceUrl ?? '(set by the policy)'],
  ]);
  out.link(lab.target.portalLink(api.id ?? ''));

  out.heading('Operations');
  const operations: Array<[string, string, string]> = [];
  for await (const operation of clients.apim.apiOperation.listByApi(rg, names.apim, names.api)) {
    operations.push([operation.name ?? '', operation.method ?? '', operation.urlTemplate ?? '']);
  }
  operations.sort((a, b) => a[0].localeCompare(b[0]));
  out.table(['Operation', 'Method', 'URL template'], operations);

  out.heading('Backend');
  const backend = await lab.require(`The backend ${names.backend}`, 'import-api', () => clients.apim.backend.get(rg, names.apim, names.backend));
  out.details([
    ['Backend id', backend.name ?? names.backend],
    ['URL', backend.url ?? ''],
    ['Protocol', backend.protocol ?? ''],
  ]);

  out.heading('Policy');
  const policies = await clients.apim.apiPolicy.listByApi(rg, names.apim, names.api);
  const policy = policies.value?.[0]?.value;
  if (policy === undefined) out.warn(`API ${names.api} has no policy yet: run \`npm run lab:import-api\`.`);
  else out.code(`Policy of API ${names.api}, as API Management stores it:`, policy);

  out.heading('Subscriptions (keys masked)');
  const rows: Array<[string, string, string, string, string]> = [];
  for (const wanted of names.subscriptions) {
    const subscription = await lab.require(`The subscription ${wanted.id}`, 'import-api', () =>
      clients.apim.subscription.get(rg, names.apim, wanted.id),
    );
    const keys = await clients.apim.subscription.listSecrets(rg, names.apim, wanted.id);
    rows.push([wanted.id, subscription.displayName ?? '', subscription.state ?? '', (subscription.scope ?? '').replace(/^.*\/apis\//i, '/apis/'), mask(keys.primaryKey)]);
  }
  out.table(['Subscription', 'Display name', 'State', 'Scope', 'Primary key'], rows);
  out.line();
  out.info('Next: `npm run lab:monitoring` connects API Management to Application Insights.');
});
