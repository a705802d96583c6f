/**
 * Which policy elements the sandbox knows, where each may appear, and their attributes.
 * The shapes follow the Azure API Management policy reference.
 */

export type Section = 'inbound' | 'backend' | 'outbound' | 'on-error';
export type PolicyScope = 'global' | 'api' | 'operation' | 'product';

export const SECTIONS: Section[] = ['inbound', 'backend', 'outbound', 'on-error'];
const ALL: Section[] = SECTIONS;

export interface AttributeSpec {
  required?: boolean;
  /** Policy expressions are allowed in this attribute. */
  expression?: boolean;
  kind?: 'bool' | 'int' | 'enum';
  values?: string[];
}

export interface ElementSpec {
  sections: Section[];
  attributes: Record<string, AttributeSpec>;
  /** Child elements allowed inside (their own specs), or undefined for none. */
  children?: Record<string, ElementSpec>;
  /** The element's text may be a literal or an expression. */
  text?: boolean;
  /** Child policies allowed inside (like `choose`/`when`). */
  policyContainer?: boolean;
}

/** The dimension names the gateway fills in itself when a `<dimension>` has no value. */
export const DEFAULT_DIMENSIONS = ['API ID', 'Operation ID', 'Product ID', 'User ID', 'Subscription ID', 'Location', 'Gateway ID', 'Backend ID'];
export const MAX_CUSTOM_DIMENSIONS = 5;

const BOOL: AttributeSpec = { kind: 'bool' };
const INT_EXPR: AttributeSpec = { kind: 'int', expression: true };
const LITERAL: AttributeSpec = {};

const dimension: ElementSpec = { sections: ALL, attributes: { name: { required: true, expression: true }, value: { expression: true } } };
const headerValue: ElementSpec = { sections: ALL, attributes: {}, text: true };
const setHeader: ElementSpec = {
  sections: ALL,
  attributes: { name: { required: true, expression: true }, 'exists-action': { kind: 'enum', values: ['override', 'skip', 'append', 'delete'] } },
  children: { value: headerValue },
};
const setBody: ElementSpec = {
  sections: ALL,
  attributes: { template: { kind: 'enum', values: ['liquid', 'none'] }, 'xsi-nil': { kind: 'enum', values: ['blank', 'null'] }, 'parse-date': BOOL },
  text: true,
};

const tokenMetric: ElementSpec = { sections: ['inbound'], attributes: { namespace: LITERAL }, children: { dimension } };
/** The older azure-openai reference also lists `value` (copied from emit-metric); Azure accepts it, the token counts ignore it. */
const azureOpenAiTokenMetric: ElementSpec = { ...tokenMetric, attributes: { ...tokenMetric.attributes, value: { expression: true } } };
const tokenLimit: ElementSpec = {
  sections: ['inbound'],
  attributes: {
    'counter-key': { required: true, expression: true },
    'tokens-per-minute': INT_EXPR,
    'token-quota': { kind: 'int' },
    'token-quota-period': { kind: 'enum', values: ['Hourly', 'Daily', 'Weekly', 'Monthly', 'Yearly'] },
    // Documented as required, yet Microsoft's own token-quota example leaves it out and means 'false'.
    'estimate-prompt-tokens': { kind: 'bool' },
    'retry-after-header-name': LITERAL,
    'retry-after-variable-name': LITERAL,
    'remaining-quota-tokens-header-name': LITERAL,
    'remaining-quota-tokens-variable-name': LITERAL,
    'remaining-tokens-header-name': LITERAL,
    'remaining-tokens-variable-name': LITERAL,
    'tokens-consumed-header-name': LITERAL,
    'tokens-consumed-variable-name': LITERAL,
  },
};

export const ELEMENTS: Record<string, ElementSpec> = {
  base: { sections: ALL, attributes: {} },
  'set-backend-service': { sections: ['inbound', 'backend'], attributes: { 'base-url': { expression: true }, 'backend-id': { expression: true } } },
  'set-header': setHeader,
  'set-variable': { sections: ALL, attributes: { name: { required: true }, value: { required: true, expression: true } } },
  'set-body': setBody,
  'authentication-managed-identity': {
    sections: ['inbound'],
    attributes: { resource: { required: true, expression: true }, 'client-id': { expression: true }, 'output-token-variable-name': LITERAL, 'ignore-error': BOOL },
  },
  'forward-request': {
    sections: ['backend'],
    attributes: {
      timeout: INT_EXPR, 'timeout-ms': INT_EXPR, 'continue-timeout': INT_EXPR, 'http-version': { kind: 'enum', values: ['1', '2or1', '2'] },
      'follow-redirects': BOOL, 'buffer-request-body': BOOL, 'buffer-response': BOOL, 'fail-on-error-status-code': BOOL,
    },
  },
  'return-response': {
    sections: ALL,
    attributes: { 'response-variable-name': LITERAL },
    children: {
      'set-status': { sections: ALL, attributes: { code: { required: true, ...INT_EXPR }, reason: { expression: true } } },
      'set-header': setHeader,
      'set-body': setBody,
    },
  },
  choose: {
    sections: ALL,
    attributes: {},
    children: {
      when: { sections: ALL, attributes: { condition: { required: true, expression: true } }, policyContainer: true },
      otherwise: { sections: ALL, attributes: {}, policyContainer: true },
    },
  },
  'azure-openai-emit-token-metric': azureOpenAiTokenMetric,
  'llm-emit-token-metric': tokenMetric,
  'azure-openai-token-limit': tokenLimit,
  'llm-token-limit': tokenLimit,
  'emit-metric': {
    sections: ALL,
    attributes: { name: { required: true, expression: true }, namespace: LITERAL, value: { expression: true } },
    children: { dimension },
  },
};

/**
 * Policies that exist in Azure API Management but that the sandbox does not run. A document using
 * them is refused with a message that says so, rather than accepted and silently ignored.
 */
export const AZURE_ONLY_POLICIES = new Set([
  'rate-limit', 'rate-limit-by-key', 'quota', 'quota-by-key', 'check-header', 'ip-filter', 'validate-jwt', 'validate-azure-ad-token',
  'cors', 'jsonp', 'set-query-parameter', 'rewrite-uri', 'set-method', 'set-status', 'mock-response', 'retry', 'wait', 'send-request',
  'send-one-way-request', 'log-to-eventhub', 'trace', 'cache-lookup', 'cache-store', 'cache-lookup-value', 'cache-store-value',
  'cache-remove-value', 'include-fragment', 'find-and-replace', 'json-to-xml', 'xml-to-json', 'limit-concurrency', 'proxy',
  'azure-openai-semantic-cache-lookup', 'azure-openai-semantic-cache-store', 'llm-semantic-cache-lookup', 'llm-semantic-cache-store',
  'llm-content-safety', 'authentication-basic', 'authentication-certificate', 'get-authorization-context', 'invoke-dapr-binding',
  'publish-to-dapr', 'validate-content', 'validate-headers', 'validate-parameters', 'validate-status-code',
  'validate-odata-request', 'validate-graphql-request', 'xsl-transform', 'redirect-content-urls', 'cross-domain', 'set-graphql-resolver',
  'http-data-source', 'sql-data-source', 'cosmosdb-data-source', 'publish-event',
]);
