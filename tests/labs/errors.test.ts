/**
 * Error explanations: one paragraph with what failed, Azure's code and the likely fix, for the
 * error classes the SDKs really throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestError } from '@azure/core-rest-pipeline';
import { AuthenticationError, NotFoundError } from 'openai';
import { explain, PrerequisiteError } from '../../labs/lib/errors.ts';
import { SettingsError } from '../../labs/lib/settings.ts';

const rest = (statusCode: number, code: string, message: string) => new RestError(message, { statusCode, code });

test('ARM errors name the operation, the code and the fix', () => {
  const cases: Array<[RestError, RegExp]> = [
    [rest(403, 'AuthorizationFailed', 'The client does not have authorization'), /Owner or User Access Administrator/],
    [rest(409, 'ServiceAlreadyExistsInSoftDeletedState', 'Api service lab-apim-x was soft-deleted'), /npm run lab:cleanup` to purge/],
    [rest(400, 'InsufficientQuota', 'This operation require 10 new capacity in quota'), /LAB_MODEL_CAPACITY/],
    [rest(400, 'LocationNotAvailableForResourceType', "The provided location 'narnia' is not available"), /AZURE_LOCATION/],
    [rest(409, 'MissingSubscriptionRegistration', 'The subscription is not registered to use namespace Microsoft.ApiManagement'), /az provider register/],
    [rest(400, 'InvalidResourceName', 'Resource name lab_x is invalid'), /LAB_PREFIX/],
  ];
  for (const [error, fix] of cases) {
    const text = explain(error, 'creating API Management lab-apim-x');
    assert.match(text, /^Failed while creating API Management lab-apim-x\. Azure answered \d{3} \w+: /);
    assert.match(text, fix);
    assert.doesNotMatch(text, /\n\s+at /);
  }
});

test('a policy ValidationError lists the element, line and column details', () => {
  const error = rest(400, 'ValidationError', 'One or more fields contain incorrect values:');
  error.details = { error: { details: [{ message: "Error in element 'dimension' on line 12, column 14: too many dimensions" }] } };
  assert.match(explain(error, 'updating the policy'), /• Error in element 'dimension' on line 12, column 14/);
});

test('gateway errors through the openai client point at the lab that fixes them', () => {
  const identity = new AuthenticationError(401, { code: '401', message: 'Access denied due to invalid token' }, undefined, new Headers());
  assert.match(explain(identity, 'sending call 1'), /Cognitive Services OpenAI User.*5 minutes/);
  const key = new AuthenticationError(401, { message: 'Access denied due to invalid subscription key.' }, undefined, new Headers());
  assert.match(explain(key, 'sending call 1'), /lab:import-api/);
  const deployment = new NotFoundError(404, { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' }, undefined, new Headers());
  assert.match(explain(deployment, 'sending call 1'), /lab:setup/);
});

test('settings, prerequisites and unreachable endpoints read as plain advice', () => {
  assert.match(explain(new SettingsError(['AZURE_LOCATION is "x"', 'LAB_PREFIX is "y"']), undefined), /need fixing[\s\S]*• AZURE_LOCATION[\s\S]*• LAB_PREFIX/);
  assert.equal(explain(new PrerequisiteError('The API openai', 'import-api'), 'x'), 'The API openai does not exist yet. Run `npm run lab:import-api` first, then run this lab again.');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:47443'), { code: 'ECONNREFUSED' });
  assert.match(explain(refused, 'reading the API'), /could not reach its endpoint \(ECONNREFUSED\)/);
});
