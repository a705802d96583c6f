/**
 * lab:monitoring: connect API Management to Application Insights.
 *
 * 1. An APIM logger of type applicationInsights that sends to the component from lab:app-insights.
 * 2. The API's diagnostic named `applicationinsights`, using that logger, with `metrics: true`.
 *    Without `metrics: true` the emit-token-metric policies run but no metric is sent; the portal
 *    has no switch for it, which is why this lab sets it through the API.
 */
import { runLab } from './lib/lab.ts';
import { APP_INSIGHTS_API_VERSION } from './lib/target.ts';

await runLab({ step: 'monitoring', title: 'Configure Azure API Management for monitoring' }, async (lab) => {
  const { clients, names, out } = lab;
  const rg = names.resourceGroup;
  const componentId =
    `/subscriptions/${lab.target.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/${names.appInsights}`;
  await lab.require(`The API Management instance ${names.apim}`, 'setup', () => clients.apim.apiManagementService.get(rg, names.apim));
  const component = await lab.require(`The Application Insights component ${names.appInsights}`, 'app-insights', () =>
    clients.resources.resources.getById(componentId, APP_INSIGHTS_API_VERSION),
  );
  await lab.require(`The API ${names.api}`, 'import-api', () => clients.apim.api.get(rg, names.apim, names.api));

  out.heading('1. Logger: API Management → Application Insights');
  const { resource: logger } = await lab.ensure({
    what: `Logger ${names.logger} → ${names.appInsights}`,
    read: () => clients.apim.logger.get(rg, names.apim, names.logger),
    differences: (current) => {
      const found: string[] = [];
      if (current.loggerType !== 'applicationInsights') found.push(`type ${current.loggerType} → applicationInsights`);
      if ((current.resourceId ?? '').toLowerCase() !== componentId.toLowerCase()) found.push(`target → ${names.appInsights}`);
      return found;
    },
    apply: () =>
      clients.apim.logger.createOrUpdate(rg, names.apim, names.logger, {
        loggerType: 'applicationInsights',
        description: `Application Insights ${names.appInsights}`,
        // The instrumentation key is read from Azure and handed straight to APIM (which keeps it as a secret named value).
        credentials: { instrumentationKey: String(component.properties?.InstrumentationKey ?? '') },
        resourceId: componentId,
        isBuffered: false,
      }),
  });

  out.heading('2. API diagnostic "applicationinsights" with metrics: true');
  const loggerId = logger.id ?? `/loggers/${names.logger}`;
  await lab.ensure({
    what: `Diagnostic ${names.diagnostic} on API ${names.api} (metrics: true, sampling 100%)`,
    read: () => clients.apim.apiDiagnostic.get(rg, names.apim, names.api, names.diagnostic),
    differences: (current) => {
      const found: string[] = [];
      if (current.metrics !== true) found.push('metrics → true');
      if (!(current.loggerId ?? '').toLowerCase().endsWith(`/loggers/${names.logger}`.toLowerCase())) found.push(`logger → ${names.logger}`);
      if (current.sampling?.percentage !== 100) found.push(`sampling ${current.sampling?.percentage ?? '?'}% → 100%`);
      return found;
    },
    apply: () =>
      clients.apim.apiDiagnostic.createOrUpdate(rg, names.apim, names.api, names.diagnostic, {
        loggerId,
        alwaysLog: 'allErrors',
        sampling: { samplingType: 'fixed', percentage: 100 },
        verbosity: 'information',
        logClientIp: true,
        httpCorrelationProtocol: 'W3C',
        metrics: true,
      }),
  });

  out.line();
  out.info('Next: `npm run lab:policy` adds the token metric policy.');
});
