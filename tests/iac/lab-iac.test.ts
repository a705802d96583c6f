/**
 * `npm run lab:iac` end to end against a fresh sandbox, run exactly as the launcher runs it: the
 * whole lesson deployed from labs/infra/main.json, then lab:traffic and lab:metrics work on what it
 * built; a second run changes nothing and says so; --what-if changes nothing; a resource Azure
 * refuses ends the lab with the failed resource named and a non-zero exit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shown, startLabHarness, type LabHarness } from '../labs/harness.ts';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import { sandboxCredential } from './harness.ts';
import { comparableTranscript, normaliseTranscript, readTranscript } from '../../labs/lib/transcripts.ts';

describe('npm run lab:iac', () => {
  let h: LabHarness;
  before(async () => {
    h = await startLabHarness();
  });
  after(async () => h.close());

  it('--what-if before anything exists changes nothing', async () => {
    const run = await h.run('iac', ['--what-if']);
    assert.equal(run.code, 0, shown(run));
    assert.match(run.output, /does not exist yet: the deployment would create it/);
    assert.match(run.output, /Nothing was deployed \(--what-if\)/);
    await assert.rejects(h.box.resources.resourceGroups.get(h.names.resourceGroup), (e: any) => e.statusCode === 404);
  });

  it('deploys every resource of the lesson, shows each one and the outputs, and keeps no key', async () => {
    const run = await h.run('iac');
    assert.equal(run.code, 0, shown(run));
    assert.match(run.output, /14 to create, 0 to modify, 0 unchanged/);
    for (const line of [
      `workspaces ${h.names.workspace}: created`,
      `components ${h.names.appInsights}: created`,
      `accounts ${h.names.openAiAccount}: created`,
      `accounts/deployments ${h.names.modelDeployment}: created`,
      `service ${h.names.apim}: created`,
      'service/backends openai-backend: created',
      'service/apis openai: created',
      'service/apis/policies openai/policy: created',
      `service/loggers ${h.names.logger}: created`,
      'service/apis/diagnostics openai/applicationinsights: created',
      ...h.names.subscriptions.map((s) => `service/subscriptions ${s.id}: created`),
    ]) {
      assert.ok(run.output.includes(line), `${line}\n${shown(run)}`);
    }
    assert.match(run.output, /roleAssignments [0-9a-f-]{36}: created/);
    assert.match(run.output, /Deployment main of labs\/infra\/main.json: created/);
    const stored = readTranscript('iac');
    assert.ok(stored, 'labs/transcripts/iac.txt is missing: run npm run labs:capture');
    const fresh = normaliseTranscript(run.output, { subscriptionId: h.box.subscriptionId, prefix: 'lab', stateDir: h.stateDir });
    assert.equal(comparableTranscript(fresh), comparableTranscript(stored), 'lab:iac drifted from labs/transcripts/iac.txt: run npm run labs:capture');
    const outputs = h.state().outputs;
    assert.equal(outputs.gatewayUrl, `${h.box.sandbox.url}/apim/${h.names.apim}`);
    assert.match(outputs.appInsightsAppId, /^[0-9a-f-]{36}$/);
    assert.match(outputs.workspaceCustomerId, /^[0-9a-f-]{36}$/);
    assert.ok(run.output.includes(outputs.workspaceCustomerId));
    const keys = await h.box.apim.subscription.listSecrets(h.names.resourceGroup, h.names.apim, 'chat-app');
    assert.ok(!run.output.includes(keys.primaryKey!), 'no subscription key is printed');
    assert.ok(!JSON.stringify(h.state()).includes(keys.primaryKey!), 'no subscription key is stored');
  });

  it('lab:traffic and lab:metrics work on what the deployment built', async () => {
    const traffic = await h.run('traffic');
    assert.equal(traffic.code, 0, shown(traffic));
    const calls = h.state().traffic;
    assert.ok(calls.length > 0);
    const metrics = await h.run('metrics');
    assert.equal(metrics.code, 0, shown(metrics));
    for (const subscription of h.names.subscriptions) assert.ok(metrics.output.includes(subscription.id), shown(metrics));
  });

  it('a second run finds everything in place and changes nothing', async () => {
    const before = h.storedResources();
    const run = await h.run('iac');
    assert.equal(run.code, 0, shown(run));
    assert.match(run.output, /0 to create, 0 to modify, 14 unchanged/);
    assert.match(run.output, /Deployment main of labs\/infra\/main.json: already in place/);
    assert.match(run.output, /Everything was already in place; nothing changed/);
    assert.equal(h.storedResources(), before);
  });

  it('a resource Azure refuses fails the lab, naming the resource, the code and the fix', async () => {
    // A deleted API Management instance keeps its name for 48 hours (soft delete).
    await h.box.apim.apiManagementService.beginDeleteAndWait(h.names.resourceGroup, h.names.apim, { updateIntervalInMs: 50 });
    const run = await h.run('iac');
    assert.notEqual(run.code, 0, shown(run));
    assert.match(run.output, new RegExp(`✖ service ${h.names.apim}: \\w+`));
    assert.match(run.output, /Deployment main ended Failed/);
    assert.match(run.output, /DeploymentFailed/);
    assert.match(run.output, /lab:cleanup/);
  });
});

describe('npm run lab:iac after the step-by-step labs', () => {
  let h: LabHarness;
  before(async () => {
    h = await startLabHarness();
  });
  after(async () => h.close());

  it('finds every resource of the template already as the labs left it, and keeps the role assignment the labs made', async () => {
    for (const step of ['setup', 'app-insights', 'import-api', 'monitoring', 'policy']) {
      const run = await h.run(step);
      assert.equal(run.code, 0, shown(run));
    }
    const before = h.storedResources();
    const preview = await h.run('iac', ['--what-if']);
    assert.equal(preview.code, 0, shown(preview));
    assert.match(preview.output, /0 to create, 0 to modify, 14 unchanged/, shown(preview));
    assert.equal(h.storedResources(), before, '--what-if changes nothing');
    const run = await h.run('iac');
    assert.equal(run.code, 0, shown(run));
    assert.match(run.output, /roleAssignments [0-9a-f-]{36}: unchanged/);
    // Clients of this sandbox's own (a process keeps the first DefaultAzureCredential's endpoint).
    const credential = sandboxCredential(h.box.sandbox, h.box.ca);
    const options = { endpoint: h.box.sandbox.url, tlsOptions: { ca: h.box.ca } };
    const account = await new CognitiveServicesManagementClient(credential, h.box.subscriptionId, options).accounts.get(h.names.resourceGroup, h.names.openAiAccount);
    const assignments = [];
    for await (const assignment of new AuthorizationManagementClient(credential, h.box.subscriptionId, options).roleAssignments.listForScope(account.id!)) assignments.push(assignment);
    assert.equal(assignments.filter((a) => a.roleDefinitionId?.endsWith('5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')).length, 1);
  });
});
