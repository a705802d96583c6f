/**
 * The api-versions each emulated resource provider accepts: the ones the SDKs in package.json
 * send, the current stable ones, and the older ones templates and samples still use.
 * The request's version is checked before a handler runs; an unknown one gets ARM's 400.
 */
import { badRequest, type ArmError } from './errors.ts';

export interface ApiVersions {
  /** The resource type named in the error message, e.g. `service`. */
  type: string;
  /** False for the core ARM routes (resource groups, subscription), true for resource providers. */
  provider: boolean;
  versions: readonly string[];
}

export const resourcesApi: ApiVersions = {
  type: 'resourceGroups',
  provider: false,
  versions: ['2025-04-01', '2025-03-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-07-01', '2022-09-01', '2021-04-01', '2021-01-01', '2020-10-01', '2020-06-01', '2019-10-01', '2019-08-01', '2019-07-01', '2019-05-10', '2019-05-01', '2018-05-01', '2018-02-01'],
};

export const subscriptionsApi: ApiVersions = {
  type: 'subscriptions',
  provider: false,
  versions: ['2024-11-01', '2022-12-01', '2021-01-01', '2020-01-01', '2019-11-01', '2019-06-01', '2016-06-01'],
};

export const apimApi: ApiVersions = {
  type: 'service',
  provider: true,
  versions: ['2024-05-01', '2026-09-01-preview', '2025-09-01-preview', '2025-03-01-preview', '2024-10-01-preview', '2024-06-01-preview', '2023-09-01-preview', '2023-05-01-preview', '2023-03-01-preview', '2022-09-01-preview', '2022-08-01', '2022-04-01-preview', '2021-12-01-preview', '2021-08-01', '2021-04-01-preview', '2021-01-01-preview', '2020-12-01', '2020-06-01-preview', '2019-12-01', '2019-01-01'],
};

export const cognitiveApi: ApiVersions = {
  type: 'accounts',
  provider: true,
  versions: ['2025-09-01', '2025-07-01-preview', '2025-06-01', '2025-04-01-preview', '2024-10-01', '2024-06-01-preview', '2024-04-01-preview', '2023-10-01-preview', '2023-05-01', '2022-12-01', '2022-10-01', '2022-03-01', '2021-10-01', '2021-04-30', '2017-04-18'],
};

export const workspacesApi: ApiVersions = {
  type: 'workspaces',
  provider: true,
  versions: ['2025-07-01', '2025-02-01', '2023-09-01', '2022-10-01', '2021-12-01-preview', '2021-06-01', '2020-10-01', '2020-08-01', '2020-03-01-preview', '2015-11-01-preview'],
};

export const componentsApi: ApiVersions = {
  type: 'components',
  provider: true,
  versions: ['2020-02-02', '2020-02-02-preview', '2018-05-01-preview', '2015-05-01'],
};

export const authorizationApi: ApiVersions = {
  type: 'roleAssignments',
  provider: true,
  versions: ['2022-04-01', '2022-01-01-preview', '2020-10-01-preview', '2020-08-01-preview', '2020-04-01-preview', '2020-03-01-preview', '2018-09-01-preview', '2018-01-01-preview', '2017-10-01-preview', '2015-07-01'],
};

/** Template deployments (`Microsoft.Resources/deployments`); DeploymentsClient 2.x sends 2026-06-01. */
export const deploymentsApi: ApiVersions = {
  type: 'deployments',
  provider: false,
  versions: ['2026-06-01', '2025-04-01', '2025-03-01', '2024-11-01', '2024-07-01', '2024-03-01', '2023-07-01', '2022-09-01', '2021-04-01', '2021-01-01', '2020-10-01', '2020-06-01', '2019-10-01'],
};

/** Polling URLs carry the api-version of the request that started the operation. */
export const operationsApi: ApiVersions = {
  type: 'operationresults',
  provider: false,
  versions: [...new Set([resourcesApi, apimApi, cognitiveApi, workspacesApi, componentsApi, authorizationApi, deploymentsApi].flatMap((api) => api.versions))],
};

/** ARM's error when the version is missing or not one the provider knows; undefined when fine. */
export function checkApiVersion(given: string | null, api: ApiVersions): ArmError | undefined {
  if (given === null || given === '') {
    return badRequest('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (api.versions.includes(given)) return undefined;
  const supported = api.versions.join(', ');
  if (!api.provider) {
    return badRequest('InvalidApiVersionParameter', `The api-version '${given}' is invalid. The supported versions are '${supported}'.`);
  }
  return badRequest(
    'NoRegisteredProviderFound',
    `No registered resource provider found for API version '${given}' and type '${api.type}'. The supported api-versions are '${supported}'.`,
  );
}
