/**
 * lab:doctor: checks that the labs can run here and shows where you are in the course.
 *
 * Checks Node.js, the settings, the credential (a token for Resource Manager and for the Logs
 * query API) and that Resource Manager answers; then lists which lab resources already exist and
 * which lab to run next.
 */
import { runLab } from './lib/lab.ts';
import { LabCheckError } from './lib/errors.ts';
import { APP_INSIGHTS_API_VERSION } from './lib/target.ts';

const MINIMUM_NODE = [20, 19];

await runLab({ step: 'doctor', title: 'Check your setup' }, async (lab) => {
  const { settings, target, clients, names, out, state } = lab;

  out.heading('Settings');
  out.details([
    ['Target', target.kind === 'azure' ? 'Azure' : 'local sandbox'],
    ['Subscription', target.subscriptionId],
    ['Region (AZURE_LOCATION)', settings.location],
    ['Prefix (LAB_PREFIX)', settings.prefix],
    ['Model', `${settings.modelName} ${settings.modelVersion} (${settings.modelSku}, ${settings.modelCapacity}K tokens/minute)`],
    ['API Management tier', settings.apimSku],
    ['Lab state', state.path],
  ]);

  out.heading('Checks');
  const [major, minor] = process.versions.node.split('.').map(Number);
  const nodeOk = major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
  if (!nodeOk) throw new LabCheckError(`Node.js ${process.versions.node} is too old: the labs need ${MINIMUM_NODE.join('.')} or newer (https://nodejs.org).`);
  out.success(`Node.js ${process.versions.node}`);

  lab.doing('signing in');
  await out.task(
    'Signing in to Azure Resource Manager',
    () => clients.credential.getToken(`${target.armEndpoint}/.default`),
    () => `Signed in (DefaultAzureCredential) for ${target.armEndpoint}`,
  );
  await out.task(
    'Signing in to the Logs query API',
    () => clients.credential.getToken('https://api.loganalytics.io/.default'),
    () => 'Signed in for the Logs query API',
  );
  lab.doing('listing resource groups');
  await out.task(
    'Calling Resource Manager',
    async () => {
      let count = 0;
      for await (const _group of clients.resources.resourceGroups.list()) count += 1;
      return count;
    },
    (count) => `Resource Manager answers (${count} resource group${count === 1 ? '' : 's'} visible)`,
  );

  out.heading('Lab progress');
  const rg = names.resourceGroup;
  const componentId = `/subscriptions/${target.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/${names.appInsights}`;
  const exists = async (read: () => Promise<unknown>) => (await lab.find(read)) !== undefined;
  const progress: Array<[string, string, boolean]> = [];
  const group = await exists(() => clients.resources.resourceGroups.get(rg));
  progress.push(['setup', `resource group ${rg}, Azure OpenAI ${names.openAiAccount}, API Management ${names.apim}`,
    group && (await exists(() => clients.cognitive.accounts.get(rg, names.openAiAccount))) && (await exists(() => clients.apim.apiManagementService.get(rg, names.apim)))]);
  const apimReady = progress[0][2];
  progress.push(['app-insights', `Log Analytics ${names.workspace}, Application Insights ${names.appInsights}`,
    group && (await exists(() => clients.resources.resources.getById(componentId, APP_INSIGHTS_API_VERSION)))]);
  progress.push(['import-api', `API ${names.api}, backend, subscriptions`, apimReady && (await exists(() => clients.apim.api.get(rg, names.apim, names.api)))]);
  progress.push(['monitoring', `logger ${names.logger}, diagnostic with metrics`,
    apimReady && (await lab.find(() => clients.apim.apiDiagnostic.get(rg, names.apim, names.api, names.diagnostic)))?.metrics === true]);
  const policy = apimReady ? ((await lab.find(() => clients.apim.apiPolicy.listByApi(rg, names.apim, names.api)))?.value?.[0]?.value ?? '') : '';
  progress.push(['policy', 'emit-token-metric policy', /emit-token-metric/.test(policy)]);
  progress.push(['traffic', 'calls recorded in the lab state', state.read().traffic.length > 0]);
  out.table(
    ['Lab', 'What it makes', 'Done'],
    progress.map(([step, what, done]) => [`lab:${step}`, what, done ? '✔' : '–']),
  );
  const next = progress.find(([, , done]) => !done);
  out.line();
  out.info(next ? `Next: \`npm run lab:${next[0]}\`.` : 'Everything is in place: run `npm run lab:metrics`, or `npm run lab:cleanup` when you are done.');
});
