/**
 * The policy module's public face: validating a policy document when it is saved (the ARM route
 * for `.../policies/policy` calls `validatePolicyXml`), and loading it for the gateway's engine.
 * Runs unchanged in Node and in the browser.
 */
import { checkPolicyDocument, type PolicyProblem } from './validate.ts';
import { SECTIONS, type PolicyScope, type Section } from './schema.ts';
import { parsePolicyElementTree, PolicyXmlError, type PolicyElement } from './xml.ts';

export type { PolicyElement } from './xml.ts';
export type { PolicyScope, Section } from './schema.ts';
export { SECTIONS, DEFAULT_DIMENSIONS } from './schema.ts';

export interface PolicyValidationError {
  code: 'ValidationError';
  message: string;
  details: Array<{ code: string; target: string; message: string }>;
}

export type PolicyValidationResult = { ok: true } | { ok: false; error: PolicyValidationError };

/** A loaded policy: the element list of each section present in the document. */
export interface PolicyDocument {
  scope: PolicyScope;
  sections: Partial<Record<Section, PolicyElement[]>>;
}

export type PolicyLoadResult = { ok: true; document: PolicyDocument } | { ok: false; error: PolicyValidationError };

function detailMessage(problem: PolicyProblem): string {
  return `Error in element '${problem.element}' on line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

function validationError(details: string[]): PolicyValidationError {
  return {
    code: 'ValidationError',
    message: 'One or more fields contain incorrect values:',
    details: details.map((message) => ({ code: 'ValidationError', target: 'representation', message })),
  };
}

export function loadPolicyDocument(xml: string, scope: PolicyScope): PolicyLoadResult {
  let root: PolicyElement;
  try {
    root = parsePolicyElementTree(xml);
  } catch (error) {
    if (!(error instanceof PolicyXmlError)) throw error;
    const where = error.element ? `Error in element '${error.element}'` : 'Error in the policy document';
    return { ok: false, error: validationError([`${where} on line ${error.line}, column ${error.column}: the XML is not well-formed: ${error.message}`]) };
  }
  const problems = checkPolicyDocument(root, scope);
  if (problems.length > 0) return { ok: false, error: validationError(problems.map(detailMessage)) };
  const sections: PolicyDocument['sections'] = {};
  for (const section of root.children) {
    if (SECTIONS.includes(section.name as Section)) sections[section.name as Section] = section.children;
  }
  return { ok: true, document: { scope, sections } };
}

/** Validates a policy document as API Management does on save. */
export function validatePolicyXml(xml: string, scope: PolicyScope): PolicyValidationResult {
  const result = loadPolicyDocument(xml, scope);
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}
