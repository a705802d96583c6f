/**
 * lab:iac: everything the lesson builds, as one template deployment.
 *
 * 1. The resource group the deployment goes into.
 * 2. The template's parameters: the same names and settings the step-by-step labs use, so both
 *    ways end in the same resources.
 * 3. What-if: Azure Resource Manager compares the template with what exists and lists what it
 *    would create or change (`--what-if` stops here and changes nothing).
 * 4. The deployment of labs/infra/main.json (the ARM JSON form of main.bicep) with the SDK's
 *    DeploymentsClient, as `az deployment group create` does: ARM creates the resources in
 *    dependency order; the lab follows the deployment operations and shows each resource as it
 *    finishes.
 * 5. The template outputs: gateway URL, Azure OpenAI endpoint, App Insights AppId and the
 *    workspace id (never a key).
 */
import { readFileSync } from 'node:fs';
import { DeploymentsClient, type DeploymentExtended, type DeploymentOperation, type WhatIfChange } from '@azure/arm-resourcesdeployments';
import pc from 'picocolors';
import { runLab } from './lib/lab.ts';
import { labFile } from './lib/paths.ts';
import { seconds } from './lib/output.ts';

/** The deployment's name, as `az deployment group create --template-file main.bicep` names it. */
const DEPLOYMENT_NAME = 'main';
const TEMPLATE_FILE = 'infra/main.json';
/** Built-in role "Cognitive Services OpenAI User". */
const OPENAI_USER_ROLE = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';

const CHANGE_WORDS: Record<string, string> = {
  Create: 'create',
  Modify: 'modify',
  NoChange: 'no change',
  Delete: 'delete',
  Deploy: 'deploy',
  Ignore: 'ignore',
  Unsupported: 'unsupported',
};

/** `Microsoft.ApiManagement/service/apis` + `lab-apim-x/openai` → `apis openai`. */
function shortResource(type: string, name: string): string {
  const kind = type.split('/').slice(1).join('/');
  return `${kind} ${name.split('/').slice(1).join('/') || name}`;
}

function resourceOf(id: string): { type: string; name: string } {
  const providerPart = id.split('/providers/').pop() ?? id;
  const segments = providerPart.split('/');
  const type = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].join('/');
  const name = segments.slice(1).filter((_, i) => i % 2 === 1).join('/');
  return { type, name };
}

await runLab(
  {
    step: 'iac',
    title: 'Deploy everything as code (Bicep / ARM template)',
    options: { 'what-if': { type: 'boolean', default: false } },
    usage: ['--what-if   show what the deployment would change, and change nothing'],
  },
  async (lab) => {
    const { settings, clients, names, out, target } = lab;
    const rg = names.resourceGroup;
    const whatIfOnly = Boolean(lab.flags['what-if']);
    const template = JSON.parse(readFileSync(labFile(TEMPLATE_FILE), 'utf8')) as { resources: unknown[] };
    const deployments = new DeploymentsClient(clients.credential, target.subscriptionId, { endpoint: target.armEndpoint });

    lab.onAzure(() =>
      out.warn(
        `This deployment creates billable Azure resources in ${settings.location} (Azure OpenAI billed per token, ` +
          `API Management ${settings.apimSku} billed per hour). Run \`npm run lab:cleanup\` when you are done.`,
      ),
    );

    out.heading('1. Resource group');
    if (whatIfOnly && (await lab.find(() => clients.resources.resourceGroups.get(rg))) === undefined) {
      out.info(`Resource group ${rg} does not exist yet: the deployment would create it and every resource of labs/${TEMPLATE_FILE}.`);
      out.info('Nothing was deployed (--what-if). Run `npm run lab:iac` to deploy.');
      return;
    }
    await lab.ensure({
      what: `Resource group ${rg}`,
      read: () => clients.resources.resourceGroups.get(rg),
      apply: () => clients.resources.resourceGroups.createOrUpdate(rg, { location: settings.location, tags: { course: 'apim-token-monitoring', learner: settings.prefix } }),
      id: (group) => group.id,
    });

    out.heading(`2. Parameters for labs/${TEMPLATE_FILE} (${template.resources.length} resource definitions)`);
    // A role assignment made earlier (lab:setup, the portal) under another name is reused: Azure
    // refuses a second assignment of the same role to the same identity (RoleAssignmentExists).
    lab.doing('looking for an existing role assignment');
    const account = await lab.find(() => clients.cognitive.accounts.get(rg, names.openAiAccount));
    const apim = await lab.find(() => clients.apim.apiManagementService.get(rg, names.apim));
    let roleAssignmentName: string | undefined;
    if (account?.id && apim?.identity?.principalId) {
      for await (const assignment of clients.authorization.roleAssignments.listForScope(account.id)) {
        const onAccount = (assignment.scope ?? account.id).toLowerCase() === account.id.toLowerCase();
        if (onAccount && assignment.principalId === apim.identity.principalId && assignment.roleDefinitionId?.toLowerCase().endsWith(OPENAI_USER_ROLE)) {
          roleAssignmentName = assignment.name;
        }
      }
    }
    const values: Record<string, unknown> = {
      location: settings.location,
      prefix: settings.prefix,
      openAiAccountName: names.openAiAccount,
      apimName: names.apim,
      workspaceName: names.workspace,
      appInsightsName: names.appInsights,
      modelName: settings.modelName,
      modelVersion: settings.modelVersion,
      modelDeploymentName: names.modelDeployment,
      modelSku: settings.modelSku,
      modelCapacity: settings.modelCapacity,
      apimSku: settings.apimSku,
      publisherEmail: settings.publisherEmail,
      subscriptions: names.subscriptions,
      ...(roleAssignmentName ? { openAiRoleAssignmentName: roleAssignmentName } : {}),
    };
    out.table(
      ['Parameter', 'Value'],
      Object.entries(values).map(([name, value]) => [name, Array.isArray(value) ? value.map((item) => (item as { id: string }).id).join(', ') : String(value)]),
    );
    const parameters = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));
    const request = { properties: { mode: 'Incremental' as const, template, parameters } };

    out.heading(`3. What-if: what deployment ${DEPLOYMENT_NAME} would change`);
    lab.doing('asking Azure Resource Manager what the deployment would change (what-if)');
    const preview = await out.task(
      'Comparing the template with what exists',
      () => deployments.deployments.whatIf(rg, DEPLOYMENT_NAME, request, { updateIntervalInMs: 1000 }).pollUntilDone(),
      (result) => `What-if compared ${result.changes?.length ?? 0} resources`,
    );
    const changes: WhatIfChange[] = preview.changes ?? [];
    out.table(
      ['Change', 'Resource', 'Properties'],
      changes.map((change) => {
        const { type, name } = resourceOf(change.resourceId ?? '');
        const paths = (change.delta ?? []).map((delta) => delta.path).join(', ');
        return [CHANGE_WORDS[change.changeType] ?? change.changeType, shortResource(type, name), paths];
      }),
    );
    const pending = changes.filter((change) => change.changeType !== 'NoChange' && change.changeType !== 'Ignore');
    const count = (type: string) => changes.filter((change) => change.changeType === type).length;
    out.note(`${count('Create')} to create, ${count('Modify')} to modify, ${count('NoChange')} unchanged.`);
    if (whatIfOnly) {
      out.line();
      out.info('Nothing was deployed (--what-if). Run `npm run lab:iac` to deploy.');
      return;
    }

    out.heading(`4. Deployment ${DEPLOYMENT_NAME}`);
    const { resource: deployment } = await lab.ensure<DeploymentExtended>({
      what: `Deployment ${DEPLOYMENT_NAME} of labs/${TEMPLATE_FILE}`,
      read: () => deployments.deployments.get(rg, DEPLOYMENT_NAME),
      differences: (current) => {
        const found = pending.map((change) => `${CHANGE_WORDS[change.changeType]} ${shortResource(resourceOf(change.resourceId ?? '').type, resourceOf(change.resourceId ?? '').name)}`);
        if (current.properties?.provisioningState !== 'Succeeded') found.push(`last deployment ${current.properties?.provisioningState ?? 'unknown'}`);
        return found.length > 3 ? [`${found.length} resources to create or change`] : found;
      },
      waitHint: 'API Management takes from minutes (v2 tiers) to 45 minutes (Developer) on Azure',
      apply: () => deployWithProgress(),
      id: (d) => d.id,
    });

    async function deployWithProgress(): Promise<DeploymentExtended> {
      lab.doing(`deploying labs/${TEMPLATE_FILE}`);
      const started = Date.now();
      const poller = deployments.deployments.createOrUpdate(rg, DEPLOYMENT_NAME, request, { updateIntervalInMs: 1000 });
      let finished = false;
      const done = poller.pollUntilDone().finally(() => (finished = true));
      done.catch(() => undefined);
      const reported = new Set<string>();
      const report = async (): Promise<void> => {
        const operations: DeploymentOperation[] = [];
        try {
          for await (const operation of deployments.deploymentOperations.list(rg, DEPLOYMENT_NAME)) operations.push(operation);
        } catch {
          return; // the deployment record may not be readable yet
        }
        // In template order (what-if lists the resources in deployment order), so a run reads the same every time.
        const position = (op: DeploymentOperation): number => {
          const index = changes.findIndex((change) => change.resourceId?.toLowerCase() === op.properties?.targetResource?.id?.toLowerCase());
          return index < 0 ? changes.length : index;
        };
        const ended = operations
          .filter((op) => op.properties?.targetResource?.id && ['Succeeded', 'Failed'].includes(op.properties.provisioningState ?? ''))
          .sort((a, b) => position(a) - position(b));
        for (const op of ended) {
          const properties = op.properties!;
          const targetId = properties.targetResource!.id!;
          if (reported.has(targetId)) continue;
          reported.add(targetId);
          const label = shortResource(properties.targetResource?.resourceType ?? '', properties.targetResource?.resourceName ?? '');
          if (properties.provisioningState === 'Succeeded') {
            const expected = changes.find((change) => change.resourceId?.toLowerCase() === targetId.toLowerCase())?.changeType;
            const verb = expected === 'Create' || (expected === undefined && properties.statusCode === 'Created') ? 'created' : expected === 'NoChange' ? 'unchanged' : 'updated';
            out.info(`${pc.green('✔')} ${label}: ${verb}`);
          } else {
            const error = properties.statusMessage?.error;
            out.info(`${pc.red('✖')} ${label}: ${error?.code ?? 'failed'}: ${error?.message ?? ''}`);
          }
        }
      };
      while (!finished) {
        // Live lines on a terminal, or once a deployment takes a while; otherwise one ordered list at the end.
        if (out.interactive || Date.now() - started > 10_000) await report();
        await Promise.race([done.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
      }
      await report();
      try {
        return await done;
      } catch {
        // The SDK only says the operation failed; the deployment record says why.
        const failed = await deployments.deployments.get(rg, DEPLOYMENT_NAME);
        const error = failed.properties?.error;
        const details = (error?.details ?? []).map((detail) => `${detail.code}: ${detail.message}`);
        throw Object.assign(
          new Error(
            `Deployment ${DEPLOYMENT_NAME} ended ${failed.properties?.provisioningState ?? 'Failed'} after ${seconds(Date.now() - started)}: ${error?.message ?? 'no error message'}` +
              (details.length > 0 ? `\n${details.map((line) => `  • ${line}`).join('\n')}\n` : ''),
          ),
          { code: error?.code ?? 'DeploymentFailed' },
        );
      }
    }

    out.heading('5. Outputs');
    const outputs = (deployment.properties?.outputs ?? {}) as Record<string, { value?: unknown }>;
    const output = (name: string): string => String(outputs[name]?.value ?? '');
    out.details([
      ['gatewayUrl', output('gatewayUrl')],
      ['openAiEndpoint', output('openAiEndpoint')],
      ['appInsightsAppId', output('appInsightsAppId')],
      ['workspaceCustomerId', output('workspaceCustomerId')],
    ]);
    out.note('The template outputs no key: lab:traffic reads the subscription keys from API Management when it needs them.');

    const groupId = `/subscriptions/${target.subscriptionId}/resourceGroups/${rg}`;
    lab.state.saveOutputs({
      resourceGroupId: groupId,
      openAiAccountId: `${groupId}/providers/Microsoft.CognitiveServices/accounts/${names.openAiAccount}`,
      openAiEndpoint: output('openAiEndpoint'),
      apimId: `${groupId}/providers/Microsoft.ApiManagement/service/${names.apim}`,
      gatewayUrl: output('gatewayUrl'),
      workspaceId: `${groupId}/providers/Microsoft.OperationalInsights/workspaces/${names.workspace}`,
      workspaceCustomerId: output('workspaceCustomerId'),
      appInsightsId: `${groupId}/providers/Microsoft.Insights/components/${names.appInsights}`,
      appInsightsAppId: output('appInsightsAppId'),
      apiPath: names.apiPath,
      openAiBackendUrl: `${output('openAiEndpoint').replace(/\/+$/, '')}/openai`,
    });
    out.line();
    out.info('Next: `npm run lab:traffic` sends calls through the gateway, then `npm run lab:metrics` reads the token metrics back.');
  },
);
