/**
 * lab:app-insights: where the token metrics will land.
 *
 * 1. A Log Analytics workspace (it stores the telemetry and answers KQL).
 * 2. A workspace-based Application Insights component with custom metrics *with dimensions*
 *    (`CustomMetricsOptedInType: WithDimensions`); without it Azure drops the dimensions, and the
 *    per-subscription, per-user split of token metrics is lost.
 *
 * The Application Insights SDK (`@azure/arm-appinsights`) still speaks api-version 2018-05-01-preview,
 * which knows neither the workspace link nor the custom-metrics setting, so the component is
 * written with a generic ARM request at api-version 2020-02-02.
 */
import { runLab } from './lib/lab.ts';
import { APP_INSIGHTS_API_VERSION } from './lib/target.ts';

await runLab({ step: 'app-insights', title: 'Create App Insights instance' }, async (lab) => {
  const { settings, clients, names, out } = lab;
  await lab.require(`Resource group ${names.resourceGroup}`, 'setup', () => clients.resources.resourceGroups.get(names.resourceGroup));
  const tags = { course: 'apim-token-monitoring', learner: settings.prefix };

  out.heading('1. Log Analytics workspace');
  const { resource: workspace } = await lab.ensure({
    what: `Log Analytics workspace ${names.workspace}`,
    read: () => clients.logAnalytics.workspaces.get(names.resourceGroup, names.workspace),
    apply: () =>
      clients.logAnalytics.workspaces.beginCreateOrUpdateAndWait(names.resourceGroup, names.workspace, {
        location: settings.location,
        sku: { name: 'PerGB2018' },
        retentionInDays: 30,
        tags,
      }),
    id: (w) => w.id,
  });

  out.heading('2. Application Insights, workspace-based, custom metrics with dimensions');
  const componentId =
    `/subscriptions/${lab.target.subscriptionId}/resourceGroups/${names.resourceGroup}` +
    `/providers/Microsoft.Insights/components/${names.appInsights}`;
  const wanted = {
    Application_Type: 'web',
    Flow_Type: 'Bluefield',
    Request_Source: 'rest',
    WorkspaceResourceId: workspace.id as string,
    IngestionMode: 'LogAnalytics',
    CustomMetricsOptedInType: 'WithDimensions',
  };
  const { resource: component } = await lab.ensure({
    what: `Application Insights ${names.appInsights}`,
    read: () => clients.resources.resources.getById(componentId, APP_INSIGHTS_API_VERSION),
    differences: (current) => {
      const properties = current.properties ?? {};
      const found: string[] = [];
      if (String(properties.WorkspaceResourceId ?? '').toLowerCase() !== wanted.WorkspaceResourceId.toLowerCase()) {
        found.push(`workspace → ${names.workspace}`);
      }
      if (properties.CustomMetricsOptedInType !== 'WithDimensions') {
        found.push(`custom metrics ${String(properties.CustomMetricsOptedInType ?? 'without dimensions')} → WithDimensions`);
      }
      return found;
    },
    apply: (current) =>
      clients.resources.resources.beginCreateOrUpdateByIdAndWait(componentId, APP_INSIGHTS_API_VERSION, {
        location: current?.location ?? settings.location,
        kind: 'web',
        tags,
        properties: { ...(current?.properties ?? {}), ...wanted },
      }),
    id: (c) => c.id,
  });

  const properties = component.properties ?? {};
  out.details([
    ['Workspace ID (customerId)', workspace.customerId ?? '(none)'],
    ['App Insights AppId', String(properties.AppId ?? '')],
    ['Custom metrics', String(properties.CustomMetricsOptedInType ?? '')],
  ]);
  out.note('The instrumentation key and connection string are secrets; lab:monitoring reads them from Azure when it needs them.');

  lab.state.saveOutputs({
    workspaceId: workspace.id ?? '',
    workspaceCustomerId: workspace.customerId ?? '',
    appInsightsId: componentId,
    appInsightsAppId: String(properties.AppId ?? ''),
  });
  out.line();
  out.info('Next: `npm run lab:import-api` imports Azure OpenAI into API Management.');
});
