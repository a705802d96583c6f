/**
 * Lab settings and the errors a learner sees for bad ones: each bad value gets its own clear
 * message naming the fix, the lab exits non-zero without a stack trace, and nothing is created.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSettings, SettingsError } from '../../labs/lib/settings.ts';
import { resourceNames } from '../../labs/lib/names.ts';
import { runLabProcess } from '../../labs/lib/run-lab.ts';
import { join } from 'node:path';
import { labsDir } from '../../labs/lib/paths.ts';

const SUBSCRIPTION = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings({ ...env }, { envFile: false });
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

/** A clean environment: only what a test gives, plus what Node needs to start. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...extra };
}

test('the defaults target the sandbox with the course resources', () => {
  const settings = loadSettings({}, { envFile: false });
  assert.equal(settings.target, 'sandbox');
  assert.equal(settings.location, 'swedencentral');
  assert.equal(settings.prefix, 'lab');
  assert.equal(settings.modelName, 'gpt-4o-mini');
  assert.equal(settings.apimSku, 'BasicV2');
});

test('the target is Azure when a subscription is set, unless LAB_TARGET or a sandbox endpoint says otherwise', () => {
  assert.equal(loadSettings({ AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }, { envFile: false }).target, 'azure');
  assert.equal(loadSettings({ AZURE_SUBSCRIPTION_ID: SUBSCRIPTION, LAB_TARGET: 'sandbox' }, { envFile: false }).target, 'sandbox');
  assert.equal(loadSettings({ AZURE_SUBSCRIPTION_ID: SUBSCRIPTION, LAB_ARM_ENDPOINT: 'https://127.0.0.1:47443' }, { envFile: false }).target, 'sandbox');
  assert.deepEqual(problemsOf({ LAB_TARGET: 'azure' }).length, 1);
  assert.match(problemsOf({ LAB_TARGET: 'cloud' })[0], /LAB_TARGET is "cloud": use "azure" or "sandbox"/);
});

test('each bad value gets its own message naming the variable and the fix', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ AZURE_LOCATION: 'West Europe' }, /AZURE_LOCATION is "West Europe": use a region's programmatic name.*"westeurope"/],
    [{ AZURE_LOCATION: 'west-europe' }, /AZURE_LOCATION is "west-europe"/],
    [{ LAB_PREFIX: 'My_Lab' }, /LAB_PREFIX is "My_Lab": .*2 to 12 lower-case letters or digits/],
    [{ LAB_PREFIX: 'averyveryverylongprefix' }, /LAB_PREFIX is "averyveryverylongprefix"/],
    [{ LAB_PREFIX: '1lab' }, /LAB_PREFIX is "1lab"/],
    [{ AZURE_SUBSCRIPTION_ID: 'my-subscription' }, /AZURE_SUBSCRIPTION_ID is "my-subscription": it must be a subscription GUID/],
    [{ LAB_APIM_SKU: 'Gold' }, /LAB_APIM_SKU is "Gold": use one of Consumption, Developer/],
    [{ LAB_MODEL_CAPACITY: '0' }, /LAB_MODEL_CAPACITY is "0"/],
    [{ LAB_MODEL_SKU: 'Premium' }, /LAB_MODEL_SKU is "Premium"/],
    [{ LAB_MODEL_VERSION: 'latest' }, /LAB_MODEL_VERSION is "latest"/],
    [{ LAB_PUBLISHER_EMAIL: 'nobody' }, /LAB_PUBLISHER_EMAIL is "nobody"/],
  ];
  for (const [env, message] of cases) {
    const problems = problemsOf(env);
    assert.equal(problems.length, 1, `${JSON.stringify(env)} → ${JSON.stringify(problems)}`);
    assert.match(problems[0], message);
  }
  assert.equal(problemsOf({ AZURE_LOCATION: 'West Europe', LAB_PREFIX: 'My_Lab' }).length, 2, 'all problems are reported at once');
  assert.equal(loadSettings({ LAB_APIM_SKU: 'basicv2' }, { envFile: false }).apimSku, 'BasicV2');
});

test('names derive from the prefix; the global ones carry a stable suffix per subscription', () => {
  const a = resourceNames('ana', SUBSCRIPTION, 'gpt-4o-mini');
  assert.deepEqual(a, resourceNames('ana', SUBSCRIPTION, 'gpt-4o-mini'));
  assert.match(a.apim, /^ana-apim-[0-9a-z]{6}$/);
  assert.match(a.openAiAccount, /^ana-openai-[0-9a-z]{6}$/);
  assert.notEqual(resourceNames('ben', SUBSCRIPTION, 'gpt-4o-mini').apim, a.apim);
  assert.notEqual(resourceNames('ana', '00000000-0000-0000-0000-000000000000', 'gpt-4o-mini').apim, a.apim);
});

test('bad settings stop npm run lab:<step> before anything starts, with one paragraph and exit 1', async () => {
  const launcher = join(labsDir, 'lib', 'launcher.ts');
  const run = await runLabProcess('setup', ['setup'], bareEnv({ AZURE_LOCATION: 'West Europe', LAB_PREFIX: 'My_Lab', SANDBOX_STATE_DIR: '/nonexistent/never-created' }), launcher);
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /The lab settings need fixing/);
  assert.match(run.output, /AZURE_LOCATION is "West Europe"/);
  assert.match(run.output, /LAB_PREFIX is "My_Lab"/);
  assert.doesNotMatch(run.output, /Starting the local sandbox|\n\s+at /);
});

test('without a credential the Azure target says how to sign in, without a stack trace', async () => {
  const run = await runLabProcess('doctor', [], bareEnv({ LAB_TARGET: 'azure', AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }));
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, /Target: Azure subscription 3f1c2d4e/);
  assert.match(run.output, /No Azure credential was found.*az login/);
  assert.doesNotMatch(run.output, /\n\s+at /);
});

test('an unknown option names --help; --help lists the lab\'s options', async () => {
  const bad = await runLabProcess('policy', ['--polcy', 'llm'], bareEnv({}));
  assert.equal(bad.code, 1, bad.output);
  assert.match(bad.output, /Unknown option '--polcy'.*--help/s);
  const help = await runLabProcess('policy', ['--help'], bareEnv({}));
  assert.equal(help.code, 0, help.output);
  assert.match(help.output, /--policy azure-openai\|llm/);
});
