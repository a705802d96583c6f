/**
 * Turns what went wrong into one paragraph a learner can act on: what failed, the Azure error
 * code, and the likely fix. Stack traces only with `--verbose`.
 */
import { isRestError } from '@azure/core-rest-pipeline';
import { APIError } from 'openai';
import { SettingsError } from './settings.ts';

/** A step needs something an earlier step creates. */
export class PrerequisiteError extends Error {
  constructor(
    readonly missing: string,
    readonly step: string,
  ) {
    super(`${missing} does not exist yet. Run \`npm run lab:${step}\` first, then run this lab again.`);
    this.name = 'PrerequisiteError';
  }
}

/** A check the lab makes failed (for example metrics that never arrived); the message says why. */
export class LabCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabCheckError';
  }
}

interface ErrorFacts {
  status?: number;
  code?: string;
  message: string;
}

function factsOf(error: unknown): ErrorFacts {
  const e = error as { statusCode?: number; status?: number; code?: unknown; message?: string; error?: { code?: unknown } };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.error?.code === 'string' ? e.error.code : undefined;
  return {
    status: typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined,
    code,
    message: String(e?.message ?? error).trim(),
  };
}

/** The likely fix for an Azure error code (or undefined when we have no better advice). */
function fixFor(facts: ErrorFacts): string | undefined {
  const code = facts.code ?? '';
  const text = `${code} ${facts.message}`;
  if (/AuthorizationFailed|LinkedAuthorizationFailed|^403$/.test(code) || facts.status === 403) {
    return 'Your identity lacks permission for this operation. The labs need Contributor on the subscription or resource group, and Owner or User Access Administrator for the role assignment in lab:setup; ask your subscription admin, or use a subscription you own.';
  }
  if (/InvalidAuthenticationToken|ExpiredAuthenticationToken|^401$/.test(code) || facts.status === 401) {
    return 'The sign-in token was refused. Sign in again (`az login`), and check that AZURE_SUBSCRIPTION_ID belongs to the tenant you signed in to.';
  }
  if (/SoftDeleted|soft-deleted|soft deleted|FlagMustBeSetForRestore|CustomDomainInUse|ServiceAlreadyExists/i.test(text)) {
    return 'The name is held by a resource that was deleted but not purged yet (Azure keeps deleted APIM instances 48 hours and Azure OpenAI accounts until purged). Run `npm run lab:cleanup` to purge them, or choose another LAB_PREFIX.';
  }
  if (/Quota|InsufficientQuota|SkuNotAvailable|ServiceModelDeprecated|DeploymentModelNotSupported|InvalidResourceProperties.*capacity/i.test(text)) {
    return 'The region has no quota or capacity for this model or tier. Lower LAB_MODEL_CAPACITY, choose another LAB_MODEL_SKU or LAB_APIM_SKU, or set AZURE_LOCATION to a region that offers it (Azure OpenAI model availability differs by region).';
  }
  if (/LocationNotAvailableForResourceType|NoRegisteredProviderFound|InvalidResourceLocation|LocationRequired|UnsupportedLocation/i.test(code)) {
    return 'This resource type is not offered in the chosen region. Set AZURE_LOCATION to a region that offers Azure OpenAI and API Management, such as swedencentral, eastus2 or westeurope.';
  }
  if (/MissingSubscriptionRegistration/i.test(code)) {
    return 'The subscription is not registered for this resource provider. Register it once with `az provider register --namespace <the provider named above>` and try again.';
  }
  if (/InvalidResourceName|InvalidParameter.*name|NameNotAvailable|AccountNameInvalid/i.test(text)) {
    return 'Azure refused a resource name. The names come from LAB_PREFIX: use 2 to 12 lower-case letters or digits, starting with a letter; if the name is taken globally, pick another prefix.';
  }
  if (/ResourceGroupNotFound|ResourceNotFound|NotFound/i.test(code) || facts.status === 404) {
    return 'Something this lab builds on does not exist. Run the earlier labs in order (`npm run labs` runs them all).';
  }
  if (/Conflict|AnotherOperationInProgress|OperationInProgress/i.test(code) || facts.status === 409) {
    return 'Azure is still busy with an earlier change to this resource. Wait a minute and run the lab again; it picks up where it stopped.';
  }
  if (/ValidationError/i.test(code)) {
    return 'API Management refused the document; the details above name the element, line and column to fix in the file under labs/.';
  }
  if (facts.status === 429 || /RateLimit|TooManyRequests/i.test(code)) {
    return 'Too many requests: a token or request limit was reached. Wait for the time the message gives and run the lab again.';
  }
  return undefined;
}

function networkProblem(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string }; message?: string };
  const code = e?.code ?? e?.cause?.code ?? '';
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|UND_ERR/.test(code) || /Connection error|fetch failed/i.test(e?.message ?? '')) {
    return `The lab could not reach its endpoint (${code || 'connection error'}). On the sandbox, start it again with any \`npm run lab:<step>\` (or \`npm run sandbox\` in another terminal); on Azure, check your network connection.`;
  }
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|CERT_/.test(code)) {
    return `The sandbox's HTTPS certificate is not trusted (${code}). Run labs with \`npm run lab:<step>\`, which passes NODE_EXTRA_CA_CERTS, or set NODE_EXTRA_CA_CERTS from \`npm run --silent sandbox:env\` before starting node.`;
  }
  return undefined;
}

/** Advice for an error a call through the APIM gateway (openai client) got back. */
function gatewayFix(error: APIError): string | undefined {
  const text = `${String(error.code ?? '')} ${error.message}`;
  if (error.status === 401 && /subscription key/i.test(text)) {
    return 'API Management refused the subscription key: the subscriptions must exist and be active. Run `npm run lab:import-api` again.';
  }
  if (error.status === 401) {
    return 'Azure OpenAI refused the token API Management sent with its managed identity. The role "Cognitive Services OpenAI User" from lab:setup can take up to 5 minutes to apply on Azure: wait and run the lab again (or run `npm run lab:setup` again if the role is missing).';
  }
  if (error.status === 404 && /DeploymentNotFound/i.test(text)) {
    return 'The model deployment does not exist (yet). Run `npm run lab:setup`; a new deployment can take a few minutes to answer on Azure.';
  }
  if (error.status === 404) {
    return 'The gateway found no API operation for this URL: the API must be imported under the path "openai". Run `npm run lab:import-api` again.';
  }
  return undefined;
}

/** One paragraph explaining `error` while performing `doing`. */
export function explain(error: unknown, doing: string | undefined): string {
  if (error instanceof SettingsError) {
    return `The lab settings need fixing (in your environment or .env):\n${error.problems.map((problem) => `  • ${problem}`).join('\n')}`;
  }
  if (error instanceof PrerequisiteError || error instanceof LabCheckError) return error.message;
  const argumentCode = (error as { code?: unknown })?.code;
  if (typeof argumentCode === 'string' && argumentCode.startsWith('ERR_PARSE_ARGS')) {
    return `${(error as Error).message}. Add --help after \`--\` (for example \`npm run lab:policy -- --help\`) to list this lab's options.`;
  }
  const name = (error as { name?: string })?.name ?? '';
  if (name === 'AggregateAuthenticationError' || name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError') {
    return 'No Azure credential was found, so nothing could be sent to Azure. Sign in with `az login` (Azure CLI) or `azd auth login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal; to practise without Azure, unset AZURE_SUBSCRIPTION_ID (or set LAB_TARGET=sandbox) to use the local sandbox.';
  }
  const network = networkProblem(error);
  if (network) return `${doing ? `Failed while ${doing}. ` : ''}${network}`;

  const facts = factsOf(error);
  const what = doing ? `Failed while ${doing}` : 'The lab failed';
  const code = facts.code ? ` Azure answered ${facts.status ?? ''} ${facts.code}`.replace('  ', ' ') : facts.status ? ` Azure answered HTTP ${facts.status}` : '';
  const details = detailsOf(error);
  const fix = (error instanceof APIError ? gatewayFix(error) : undefined) ?? fixFor(facts);
  const isAzure = isRestError(error) || facts.status !== undefined;
  return [
    `${what}.${code}${code ? ':' : ''} ${facts.message || '(no message)'}${details}`,
    fix ?? (isAzure ? 'Check the message above; running the lab again is safe, it only changes what is missing.' : 'Run the lab again with --verbose to see where it failed.'),
  ].join(' ');
}

/** ARM error details (e.g. a policy ValidationError's element, line and column), one per line. */
function detailsOf(error: unknown): string {
  const body = (error as { details?: { error?: { details?: Array<{ message?: string }> } } })?.details;
  const items = body?.error?.details ?? [];
  const messages = items.map((item) => item.message).filter((message): message is string => Boolean(message));
  return messages.length > 0 ? `\n${messages.map((message) => `  • ${message}`).join('\n')}\n` : '';
}
