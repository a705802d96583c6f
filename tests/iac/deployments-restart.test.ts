/**
 * A deployment cut off by a sandbox that stopped (kill -9, power loss) can never finish: after a
 * restart the sandbox reports it Failed with `DeploymentInterrupted`, and a new deployment with the
 * same name runs normally.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { ResourceManagementClient } from '@azure/arm-resources';
import { startSandbox, type RunningSandbox } from '../../labs/sandbox/server.ts';
import { sandboxCredential } from './harness.ts';

const template = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [{ type: 'Microsoft.OperationalInsights/workspaces', apiVersion: '2025-02-01', name: 'restart-ws', location: 'swedencentral', properties: { sku: { name: 'PerGB2018' } } }],
};

function clients(sandbox: RunningSandbox) {
  const ca = readFileSync(sandbox.certPath, 'utf8');
  const credential = sandboxCredential(sandbox, ca);
  return {
    resources: new ResourceManagementClient(credential, sandbox.subscriptionId, { endpoint: sandbox.url, tlsOptions: { ca } }),
    deployments: new DeploymentsClient(credential, sandbox.subscriptionId, { endpoint: sandbox.url, tlsOptions: { ca } }),
  };
}

describe('a deployment running when the sandbox stopped', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'iac-restart-'));
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it('is reported Failed with DeploymentInterrupted after a restart, and can be deployed again', async () => {
    const first = await startSandbox({ port: 0, stateDir, quiet: true, ingestionDelayMs: 0 });
    try {
      const a = clients(first);
      await a.resources.resourceGroups.createOrUpdate('rg', { location: 'swedencentral' });
      const done = await a.deployments.deployments.createOrUpdate('rg', 'main', { properties: { mode: 'Incremental', template } }, { updateIntervalInMs: 50 });
      assert.equal(done.properties?.provisioningState, 'Succeeded');
    } finally {
      await first.close();
    }

    // What a crash in the middle of the run leaves on disk: the deployment still marked Running.
    const file = join(stateDir, 'resources.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    const key = Object.keys(state.resources).find((k) => k.endsWith('/providers/microsoft.resources/deployments/main'))!;
    state.resources[key].properties.provisioningState = 'Running';
    writeFileSync(file, JSON.stringify(state));

    const second = await startSandbox({ port: 0, stateDir, quiet: true, ingestionDelayMs: 0 });
    try {
      const b = clients(second);
      const interrupted = await b.deployments.deployments.get('rg', 'main');
      assert.equal(interrupted.properties?.provisioningState, 'Failed');
      assert.equal(interrupted.properties?.error?.code, 'DeploymentInterrupted');
      const again = await b.deployments.deployments.createOrUpdate('rg', 'main', { properties: { mode: 'Incremental', template } }, { updateIntervalInMs: 50 });
      assert.equal(again.properties?.provisioningState, 'Succeeded');
    } finally {
      await second.close();
    }
  });
});
