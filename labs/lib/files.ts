/**
 * The policy, query and OpenAPI files that both the labs and the lesson pages show, and the
 * comparisons the labs need to tell "already in place" from "needs an update".
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import { labFile } from './paths.ts';

export const POLICY_FILES = {
  base: 'policies/openai-api.xml',
  tokenMetrics: 'policies/openai-api-token-metrics.xml',
  llmTokenMetrics: 'policies/llm-emit-token-metric.xml',
} as const;

export const QUERY_FILES = {
  bySubscription: 'queries/tokens-by-subscription.kql',
  overTime: 'queries/tokens-over-time.kql',
} as const;

export const OPENAPI_FILE = 'specs/azure-openai-inference.json';

export function readLabFile(relativePath: string): string {
  return readFileSync(labFile(relativePath), 'utf8');
}

/**
 * A policy document reduced to what API Management acts on: elements, attributes (sorted) and
 * non-blank text, without comments or layout. Azure re-formats a stored policy (indentation,
 * escaping), so two documents are "the same policy" when these forms are equal.
 */
export function canonicalXml(xml: string): string {
  const parser = new SaxesParser();
  const parts: string[] = [];
  parser.on('opentag', (tag) => {
    const attributes = Object.entries(tag.attributes as Record<string, string>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ` ${name}=${JSON.stringify(value)}`)
      .join('');
    parts.push(`<${tag.name}${attributes}>`);
  });
  parser.on('text', (text) => {
    if (text.trim() !== '') parts.push(JSON.stringify(text.trim()));
  });
  parser.on('cdata', (text) => parts.push(JSON.stringify(text.trim())));
  parser.on('closetag', (tag) => parts.push(`</${tag.name}>`));
  parser.write(xml).close();
  return parts.join('');
}

export function samePolicy(a: string, b: string): boolean {
  try {
    return canonicalXml(a) === canonicalXml(b);
  } catch {
    return false;
  }
}

/** The element names used in a policy document (to tell which emit policy is in place). */
export function policyElements(xml: string): Set<string> {
  const names = new Set<string>();
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => names.add(tag.name));
  try {
    parser.write(xml).close();
  } catch {
    // not XML: no elements
  }
  return names;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
}

/** The operations an OpenAPI document defines (APIM creates one API operation per operationId). */
export function specOperations(specText: string): SpecOperation[] {
  const spec = JSON.parse(specText) as { paths: Record<string, Record<string, { operationId?: string }>> };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, operation]) => typeof operation?.operationId === 'string')
      .map(([method, operation]) => ({ operationId: operation.operationId as string, method: method.toUpperCase(), path })),
  );
}
