/**
 * lab:setup: the cloud resources the course builds on.
 *
 * 1. A resource group for everything the labs create.
 * 2. An Azure OpenAI account (kind OpenAI, with a custom subdomain so it accepts Entra ID tokens)
 *    and a model deployment.
 * 3. An API Management instance with a system-assigned managed identity.
 * 4. The role "Cognitive Services OpenAI User" for that identity on the Azure OpenAI account, so
 *    APIM can call the model without any key.
 */
import { runLab } from './lib/lab.ts';
import { roleAssignmentName } from './lib/role-assignment-name.ts';

/** Built-in role "Cognitive Services OpenAI User": call inference APIs, nothing else. */
const OPENAI_USER_ROLE = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';

await runLab({ step: 'setup', title: 'Set up cloud resources' }, async (lab) => {
  const { settings, clients, names, out } = lab;
  const tags = { course: 'apim-token-monitoring', learner: settings.prefix };

  lab.onAzure(() =>
    out.warn(
      `This lab creates billable Azure resources in ${settings.location}: an Azure OpenAI account with a ` +
        `${settings.modelName} deployment (billed per token) and API Management ${settings.apimSku} (billed per hour). ` +
        'Creating API Management takes from a few minutes (v2 tiers) to 45 minutes (Developer). ' +
        'Run `npm run lab:cleanup` when you are done.',
    ),
  );

  out.heading('1. Resource group');
  const { resource: group } = await lab.ensure({
    what: `Resource group ${names.resourceGroup}`,
    read: () => clients.resources.resourceGroups.get(names.resourceGroup),
    apply: () => clients.resources.resourceGroups.createOrUpdate(names.resourceGroup, { location: settings.location, tags }),
    id: (g) => g.id,
  });
  if (group.location !== settings.location) {
    out.note(`The resource group is in ${group.location}; new resources still go to ${settings.location} (AZURE_LOCATION).`);
  }

  out.heading('2. Azure OpenAI account and model deployment');
  const { resource: account } = await lab.ensure({
    what: `Azure OpenAI account ${names.openAiAccount}`,
    read: () => clients.cognitive.accounts.get(names.resourceGroup, names.openAiAccount),
    differences: (current) => (current.properties?.customSubDomainName ? [] : ['custom subdomain missing']),
    apply: () =>
      clients.cognitive.accounts.beginCreateAndWait(names.resourceGroup, names.openAiAccount, {
        location: settings.location,
        kind: 'OpenAI',
        sku: { name: 'S0' },
        tags,
        properties: { customSubDomainName: names.openAiAccount, publicNetworkAccess: 'Enabled' },
      }),
    waitHint: 'about a minute on Azure',
    id: (a) => a.id,
  });
  out.info(`Endpoint: ${account.properties?.endpoint}`);

  await lab.ensure({
    what: `Model deployment ${names.modelDeployment} (${settings.modelName} ${settings.modelVersion}, ${settings.modelSku}, ${settings.modelCapacity}K tokens/minute)`,
    read: () => clients.cognitive.deployments.get(names.resourceGroup, names.openAiAccount, names.modelDeployment),
    differences: (current) => {
      const found: string[] = [];
      const model = current.properties?.model;
      if (model?.name !== settings.modelName || model?.version !== settings.modelVersion) {
        found.push(`model ${model?.name} ${model?.version} → ${settings.modelName} ${settings.modelVersion}`);
      }
      if (current.sku?.name !== settings.modelSku) found.push(`sku ${current.sku?.name} → ${settings.modelSku}`);
      if (current.sku?.capacity !== settings.modelCapacity) found.push(`capacity ${current.sku?.capacity} → ${settings.modelCapacity}`);
      return found;
    },
    apply: () =>
      clients.cognitive.deployments.beginCreateOrUpdateAndWait(names.resourceGroup, names.openAiAccount, names.modelDeployment, {
        sku: { name: settings.modelSku, capacity: settings.modelCapacity },
        properties: { model: { format: 'OpenAI', name: settings.modelName, version: settings.modelVersion } },
      }),
  });

  out.heading('3. API Management instance with a system-assigned identity');
  const apimSku = { name: settings.apimSku, capacity: settings.apimSku === 'Consumption' ? 0 : 1 };
  const { resource: apim } = await lab.ensure({
    what: `API Management ${names.apim} (${settings.apimSku})`,
    read: () => clients.apim.apiManagementService.get(names.resourceGroup, names.apim),
    differences: (current) => {
      const found: string[] = [];
      if (!/SystemAssigned/i.test(current.identity?.type ?? '')) found.push('system-assigned identity missing');
      if (current.sku.name.toLowerCase() !== apimSku.name.toLowerCase()) found.push(`tier ${current.sku.name} → ${apimSku.name}`);
      return found;
    },
    apply: (current) =>
      clients.apim.apiManagementService.beginCreateOrUpdateAndWait(names.resourceGroup, names.apim, {
        location: current?.location ?? settings.location,
        sku: apimSku,
        identity: { type: current?.identity?.type === 'UserAssigned' ? 'SystemAssigned, UserAssigned' : 'SystemAssigned' },
        publisherEmail: current?.publisherEmail ?? settings.publisherEmail,
        publisherName: current?.publisherName ?? 'Token monitoring lab',
        tags,
      }),
    waitHint: settings.apimSku.endsWith('V2') || settings.apimSku === 'Consumption' ? 'a few minutes on Azure' : 'often 30 to 45 minutes on Azure',
    id: (s) => s.id,
  });
  const principalId = apim.identity?.principalId;
  if (!principalId) throw new Error(`API Management ${names.apim} reports no system-assigned identity principal id.`);
  out.details([
    ['Gateway URL', apim.gatewayUrl ?? '(none)'],
    ['Identity principal id', principalId],
  ]);

  out.heading('4. Allow the APIM identity to call Azure OpenAI');
  // The role-assignment API takes the scope without its leading slash: {scope}/providers/Microsoft.Authorization/...
  const scope = (account.id as string).replace(/^\/+/, '');
  // Named as the lesson's template names it, so `lab:iac` and `az deployment group create` find this same assignment.
  const roleAssignment = roleAssignmentName(lab.target.subscriptionId, names.resourceGroup, names.openAiAccount, names.apim, OPENAI_USER_ROLE);
  await lab.ensure({
    what: 'Role "Cognitive Services OpenAI User" for the APIM identity on the Azure OpenAI account',
    read: () => clients.authorization.roleAssignments.get(scope, roleAssignment),
    apply: () =>
      lab.retryWhile(['PrincipalNotFound'], 'the new identity to reach Microsoft Entra ID', async () => {
        try {
          return await clients.authorization.roleAssignments.create(scope, roleAssignment, {
            roleDefinitionId: `/subscriptions/${lab.target.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OPENAI_USER_ROLE}`,
            principalId,
            principalType: 'ServicePrincipal',
          });
        } catch (error) {
          // The same role was already given to this identity under another name (e.g. in the portal).
          if ((error as { code?: string }).code === 'RoleAssignmentExists') return {};
          throw error;
        }
      }),
  });

  lab.state.saveOutputs({
    resourceGroupId: group.id ?? '',
    openAiAccountId: scope,
    openAiEndpoint: account.properties?.endpoint ?? '',
    apimId: apim.id ?? '',
    gatewayUrl: apim.gatewayUrl ?? '',
  });
  out.line();
  out.info('Next: `npm run lab:app-insights` creates the monitoring resources.');
});
