/**
 * Checks a parsed policy document the way API Management does when a policy is saved: the
 * `<policies>` root and its four sections, known elements in the sections that allow them, their
 * attributes, at most five custom dimensions, and every policy expression against the supported
 * subset. Each problem names the element, its line and its column.
 */
import { compileExpression, isExpression, isExpressionError, quoteExpression } from './expressions/index.ts';
import {
  AZURE_ONLY_POLICIES, DEFAULT_DIMENSIONS, ELEMENTS, MAX_CUSTOM_DIMENSIONS, SECTIONS,
  type AttributeSpec, type ElementSpec, type PolicyScope, type Section,
} from './schema.ts';
import type { PolicyElement } from './xml.ts';

export interface PolicyProblem {
  element: string;
  line: number;
  column: number;
  message: string;
}

function problem(element: PolicyElement, message: string): PolicyProblem {
  return { element: element.name, line: element.line, column: element.column, message };
}

function checkExpression(element: PolicyElement, source: string, where: string, problems: PolicyProblem[]): void {
  try {
    compileExpression(source);
  } catch (error) {
    if (!isExpressionError(error)) throw error;
    problems.push(problem(element, `the expression '${quoteExpression(source)}' in ${where} is not supported by the sandbox: ${error.message}.`));
  }
}

function checkAttribute(element: PolicyElement, name: string, value: string, spec: AttributeSpec, problems: PolicyProblem[]): void {
  if (isExpression(value)) {
    if (!spec.expression) problems.push(problem(element, `policy expressions are not allowed in the '${name}' attribute.`));
    else checkExpression(element, value, `attribute '${name}'`, problems);
    return;
  }
  if (spec.kind === 'bool' && !/^(true|false)$/i.test(value)) problems.push(problem(element, `the '${name}' attribute must be 'true' or 'false', not '${value}'.`));
  if (spec.kind === 'int' && !/^\d+$/.test(value.trim())) problems.push(problem(element, `the '${name}' attribute must be a whole number, not '${value}'.`));
  if (spec.kind === 'enum' && !spec.values?.includes(value)) problems.push(problem(element, `the '${name}' attribute must be one of ${spec.values?.map((v) => `'${v}'`).join(', ')}, not '${value}'.`));
  if (spec.required && value.trim() === '') problems.push(problem(element, `the '${name}' attribute must not be empty.`));
}

function checkDimensions(element: PolicyElement, problems: PolicyProblem[]): void {
  const dimensions = element.children.filter((child) => child.name === 'dimension');
  if (dimensions.length > MAX_CUSTOM_DIMENSIONS) {
    problems.push(problem(element, `at most ${MAX_CUSTOM_DIMENSIONS} custom dimensions may be configured; this policy has ${dimensions.length}.`));
  }
  const seen = new Set<string>();
  for (const dimension of dimensions) {
    const name = dimension.attributes.name ?? '';
    if (seen.has(name.toLowerCase())) problems.push(problem(dimension, `the dimension '${name}' is configured twice.`));
    seen.add(name.toLowerCase());
    if (dimension.attributes.value === undefined && !DEFAULT_DIMENSIONS.includes(name)) {
      problems.push(problem(dimension, `the dimension '${name}' needs a 'value': only the default dimensions (${DEFAULT_DIMENSIONS.join(', ')}) may leave it out.`));
    }
  }
}

function checkSpecificRules(element: PolicyElement, problems: PolicyProblem[]): void {
  const a = element.attributes;
  switch (element.name) {
    case 'set-backend-service':
      if ((a['base-url'] === undefined) === (a['backend-id'] === undefined)) problems.push(problem(element, "give exactly one of the 'base-url' and 'backend-id' attributes."));
      break;
    case 'azure-openai-token-limit':
    case 'llm-token-limit':
      if (a['tokens-per-minute'] === undefined && a['token-quota'] === undefined) problems.push(problem(element, "give 'tokens-per-minute', or 'token-quota' with 'token-quota-period', or all three."));
      if ((a['token-quota'] === undefined) !== (a['token-quota-period'] === undefined)) problems.push(problem(element, "'token-quota' and 'token-quota-period' must be given together."));
      break;
    case 'azure-openai-emit-token-metric':
    case 'llm-emit-token-metric':
    case 'emit-metric':
      checkDimensions(element, problems);
      break;
    case 'set-body':
      if (a.template === 'liquid') problems.push(problem(element, "Liquid templates (template=\"liquid\") are valid in Azure API Management but the local sandbox does not run them; use a policy expression instead."));
      break;
    case 'choose':
      if (element.children.length === 0 || element.children[0].name !== 'when') problems.push(problem(element, "'choose' must start with at least one 'when'."));
      for (const branch of element.children) {
        const condition = branch.attributes.condition;
        if (branch.name === 'when' && condition !== undefined && !isExpression(condition)) {
          problems.push(problem(branch, `the condition must be a policy expression returning a bool, e.g. @(context.Request.Method == "POST"), not '${condition}'.`));
        }
      }
      if (element.children.findIndex((c) => c.name === 'otherwise') >= 0 && element.children[element.children.length - 1].name !== 'otherwise') {
        problems.push(problem(element, "'otherwise' must be the last element of 'choose'."));
      }
      break;
  }
}

function checkElement(element: PolicyElement, spec: ElementSpec, section: Section, problems: PolicyProblem[]): void {
  for (const [name, value] of Object.entries(element.attributes)) {
    // Every policy statement may carry an `id` (the portal writes `id="apim-generated-policy"`).
    if (name === 'id' && ELEMENTS[element.name] === spec) continue;
    const attributeSpec = spec.attributes[name];
    if (!attributeSpec) problems.push(problem(element, `the '${name}' attribute is not allowed here (allowed: ${Object.keys(spec.attributes).join(', ') || 'none'}).`));
    else checkAttribute(element, name, value, attributeSpec, problems);
  }
  for (const [name, attributeSpec] of Object.entries(spec.attributes)) {
    if (attributeSpec.required && element.attributes[name] === undefined) problems.push(problem(element, `the required '${name}' attribute is missing.`));
  }
  const text = element.text.trim();
  if (text !== '') {
    if (!spec.text) problems.push(problem(element, `'${element.name}' does not take text content.`));
    else if (isExpression(text)) checkExpression(element, text, `the text of '${element.name}'`, problems);
  }
  if (spec.policyContainer) {
    for (const base of element.children.filter((child) => child.name === 'base')) problems.push(problem(base, `'base' may appear only directly in a section, not inside '${element.name}'.`));
    checkPolicies(element.children.filter((child) => child.name !== 'base'), section, problems);
  } else {
    for (const child of element.children) {
      const childSpec = spec.children?.[child.name];
      if (!childSpec) problems.push(problem(child, `'${child.name}' is not allowed inside '${element.name}'.`));
      else checkElement(child, childSpec, section, problems);
    }
  }
  checkSpecificRules(element, problems);
}

function checkPolicies(elements: PolicyElement[], section: Section, problems: PolicyProblem[]): void {
  for (const element of elements) {
    const spec = ELEMENTS[element.name];
    if (!spec) {
      if (AZURE_ONLY_POLICIES.has(element.name)) {
        problems.push(problem(element, `'${element.name}' is an Azure API Management policy that the local sandbox does not run; it supports ${Object.keys(ELEMENTS).join(', ')}.`));
      } else problems.push(problem(element, `'${element.name}' is not a known policy.`));
    } else if (!spec.sections.includes(section)) {
      problems.push(problem(element, `'${element.name}' is not allowed in the '${section}' section (allowed in: ${spec.sections.join(', ')}).`));
    } else checkElement(element, spec, section, problems);
  }
}

/** Every scope (global, product, API, operation) accepts the same elements; `base` at the global scope inherits nothing. */
export function checkPolicyDocument(root: PolicyElement, _scope: PolicyScope): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  if (root.name !== 'policies') return [problem(root, "the root element of a policy document must be 'policies'.")];
  const seen = new Set<string>();
  for (const section of root.children) {
    if (!SECTIONS.includes(section.name as Section)) {
      problems.push(problem(section, `'${section.name}' is not a policy section (use inbound, backend, outbound, on-error).`));
      continue;
    }
    if (seen.has(section.name)) problems.push(problem(section, `the '${section.name}' section appears more than once.`));
    seen.add(section.name);
    if (Object.keys(section.attributes).length > 0) problems.push(problem(section, `the '${section.name}' section takes no attributes.`));
    if (section.text.trim() !== '') problems.push(problem(section, `the '${section.name}' section takes no text content.`));
    const bases = section.children.filter((child) => child.name === 'base');
    if (bases.length > 1) problems.push(problem(bases[1], `'base' may appear only once in the '${section.name}' section.`));
    checkPolicies(section.children, section.name as Section, problems);
  }
  if (root.text.trim() !== '') problems.push(problem(root, "'policies' takes no text content."));
  return problems;
}
