/**
 * The labs end to end against a sandbox of their own, through the real Azure SDK clients, as a
 * learner runs them: every step in order from an empty subscription, what each step needs first,
 * a second run that changes nothing, the metrics equal to the traffic, the output equal to the
 * transcripts on the lesson pages, and a cleanup that leaves nothing behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_BUT_CLEANUP } from '../../labs/lib/steps.ts';
import { comparableTranscript, normaliseTranscript, readTranscript } from '../../labs/lib/transcripts.ts';
import { APP_INSIGHTS_API_VERSION } from '../../labs/lib/target.ts';
import { QUERY_FILES, readLabFile } from '../../labs/lib/files.ts';
import { shown, startLabHarness, type LabHarness } from './harness.ts';

/** What each lab needs first, on an empty subscription. */
const FIRST_PREREQUISITE: Record<string, string> = {
  'app-insights': 'setup',
  'import-api': 'setup',
  inspect: 'setup',
  monitoring: 'setup',
  policy: 'import-api',
  traffic: 'setup',
  metrics: 'app-insights',
};

describe('the labs, in lesson order, on the sandbox', { concurrency: false }, () => {
  let lab: LabHarness;
  before(async () => {
    lab = await startLabHarness();
  });
  after(async () => {
    await lab?.close();
  });

  test('on an empty subscription each lab names the lab to run first and changes nothing', async () => {
    const before = lab.storedResources();
    const runs = await Promise.all(Object.keys(FIRST_PREREQUISITE).map(async (step) => [step, await lab.run(step)] as const));
    for (const [step, run] of runs) {
      assert.equal(run.code, 1, `lab:${step} should fail: ${shown(run)}`);
      assert.match(run.output, new RegExp(`Run \`npm run lab:${FIRST_PREREQUISITE[step]}\` first`), `lab:${step}: ${shown(run)}`);
      assert.doesNotMatch(run.output, /\n\s+at .+\(.+:\d+:\d+\)/, `lab:${step} printed a stack trace`);
    }
    assert.equal(lab.storedResources(), before);
  });

  const outputs = new Map<string, string>();
  for (const step of ALL_BUT_CLEANUP) {
    test(`lab:${step} runs from the state the previous labs left`, async () => {
      if (step === 'traffic') {
        // Before the policy step the gateway would send no metrics: lab:traffic says so.
        const early = await lab.run('metrics');
        assert.equal(early.code, 1, shown(early));
        assert.match(early.output, /Run `npm run lab:traffic` first/, shown(early));
      }
      const run = await lab.run(step);
      assert.equal(run.code, 0, shown(run));
      outputs.set(step, run.output);
      if (step === 'monitoring') {
        const early = await lab.run('traffic');
        assert.equal(early.code, 1, shown(early));
        assert.match(early.output, /Run `npm run lab:policy` first/, shown(early));
      }
    });
  }

  test('the resources are configured as the lesson describes', async () => {
    const { box, names } = lab;
    const rg = names.resourceGroup;
    const apim = await box.apim.apiManagementService.get(rg, names.apim);
    assert.match(apim.identity?.type ?? '', /SystemAssigned/);
    const account = await box.cognitive.accounts.get(rg, names.openAiAccount);
    const assignments = [];
    for await (const assignment of box.authorization.roleAssignments.listForScope(account.id as string)) assignments.push(assignment);
    assert.ok(assignments.some((a) => a.principalId === apim.identity?.principalId && /5e0bd9bd-7b93-4f28-af87-19fc36ad61bd$/.test(a.roleDefinitionId ?? '')));
    const component = await box.resources.resources.getById(
      `/subscriptions/${box.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/${names.appInsights}`,
      APP_INSIGHTS_API_VERSION,
    );
    assert.equal(component.properties?.CustomMetricsOptedInType, 'WithDimensions');
    const api = await box.apim.api.get(rg, names.apim, names.api);
    assert.equal(api.path, 'openai');
    assert.equal(api.subscriptionKeyParameterNames?.header, 'api-key');
    const diagnostic = await box.apim.apiDiagnostic.get(rg, names.apim, names.api, 'applicationinsights');
    assert.equal(diagnostic.metrics, true);
    const policy = (await box.apim.apiPolicy.listByApi(rg, names.apim, names.api)).value?.[0]?.value ?? '';
    assert.match(policy, /<azure-openai-emit-token-metric namespace="AzureOpenAI">/);
    for (const subscription of names.subscriptions) {
      assert.equal((await box.apim.subscription.get(rg, names.apim, subscription.id)).state, 'active');
    }
  });

  test('the token metrics per subscription equal the usage lab:traffic saw', async () => {
    const { traffic } = lab.state();
    assert.equal(traffic.length, 7);
    const expected = new Map<string, number>();
    for (const call of traffic) expected.set(call.subscription, (expected.get(call.subscription) ?? 0) + call.totalTokens);
    const componentId = `/subscriptions/${lab.box.subscriptionId}/resourceGroups/${lab.names.resourceGroup}/providers/Microsoft.Insights/components/${lab.names.appInsights}`;
    const result = await lab.logs.queryResource(componentId, readLabFile(QUERY_FILES.bySubscription), { duration: 'PT1H' });
    assert.equal(result.status, 'Success');
    const table = result.status === 'Success' ? result.tables[0] : undefined;
    assert.ok(table);
    const column = (name: string) => table.columnDescriptors.findIndex((c) => c.name === name);
    const measured = new Map<string, number>();
    for (const row of table.rows) {
      const subscription = String(row[column('subscription')]);
      measured.set(subscription, (measured.get(subscription) ?? 0) + Number(row[column('totalTokens')]));
    }
    assert.deepEqual(Object.fromEntries(measured), Object.fromEntries(expected));
    assert.match(outputs.get('metrics') ?? '', /All [\d,]+ tokens of 7 calls are in the metrics/);
  });

  test('each lab prints what its transcript on the lesson page shows', () => {
    for (const step of ALL_BUT_CLEANUP) {
      const stored = readTranscript(step);
      assert.ok(stored, `labs/transcripts/${step}.txt is missing: run npm run labs:capture`);
      const fresh = normaliseTranscript(outputs.get(step) ?? '', { subscriptionId: lab.box.subscriptionId, prefix: 'lab', stateDir: lab.stateDir });
      assert.equal(comparableTranscript(fresh), comparableTranscript(stored), `lab:${step} drifted from labs/transcripts/${step}.txt: run npm run labs:capture`);
    }
  });

  test('a second run of every lab changes nothing and says so', async () => {
    const before = lab.storedResources();
    for (const step of ['setup', 'app-insights', 'import-api', 'monitoring', 'policy']) {
      const run = await lab.run(step);
      assert.equal(run.code, 0, shown(run));
      assert.match(run.output, /Everything was already in place; nothing changed\./, shown(run));
      assert.doesNotMatch(run.output, /: (created|updated)/, shown(run));
    }
    for (const step of ['doctor', 'inspect']) {
      const run = await lab.run(step);
      assert.equal(run.code, 0, shown(run));
    }
    assert.equal(lab.storedResources(), before, 'the second run wrote to the sandbox');
    // Traffic and metrics can run again: the metrics then count both runs.
    for (const step of ['traffic', 'metrics']) {
      const run = await lab.run(step);
      assert.equal(run.code, 0, shown(run));
    }
    assert.equal(lab.state().traffic.length, 14);
  });

  test('lab:policy --policy llm switches to llm-emit-token-metric, and back without the flag', async () => {
    const { box, names } = lab;
    const readPolicy = async () => (await box.apim.apiPolicy.listByApi(names.resourceGroup, names.apim, names.api)).value?.[0]?.value ?? '';
    const llm = await lab.run('policy', ['--policy', 'llm']);
    assert.equal(llm.code, 0, shown(llm));
    assert.match(llm.output, /policies\/llm-emit-token-metric\.xml\): updated/);
    assert.match(await readPolicy(), /<llm-emit-token-metric namespace="AzureOpenAI">/);
    const back = await lab.run('policy');
    assert.equal(back.code, 0, shown(back));
    assert.match(back.output, /policies\/openai-api-token-metrics\.xml\): updated/);
    assert.match(await readPolicy(), /<azure-openai-emit-token-metric namespace="AzureOpenAI">/);
  });

  test('lab:cleanup deletes and purges everything, and a second cleanup has nothing to do', async () => {
    const { box, names } = lab;
    const run = await lab.run('cleanup');
    assert.equal(run.code, 0, shown(run));
    const group = await box.resources.resourceGroups.checkExistence(names.resourceGroup);
    assert.equal(group.body, false);
    for await (const deleted of box.apim.deletedServices.listBySubscription()) assert.notEqual(deleted.name, names.apim);
    for await (const deleted of box.cognitive.deletedAccounts.list()) assert.notEqual(deleted.name, names.openAiAccount);
    const groups = [];
    for await (const resourceGroup of box.resources.resourceGroups.list()) groups.push(resourceGroup.name);
    assert.deepEqual(groups, []);
    assert.deepEqual(lab.state().traffic, []);
    const again = await lab.run('cleanup');
    assert.equal(again.code, 0, shown(again));
    assert.match(again.output, /not found, nothing to delete/);
    assert.match(again.output, /Nothing soft-deleted to purge/);
  });
});
