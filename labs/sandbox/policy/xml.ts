/**
 * Reads a policy document into a small element tree that remembers where each element starts
 * (line and column, 1-based), using `saxes`, a pure-JS XML parser that works in Node and browsers.
 */
import { SaxesParser } from 'saxes';
import { protectExpressions, restoreExpressions } from './raw-expressions.ts';

export interface PolicyElement {
  name: string;
  attributes: Record<string, string>;
  children: PolicyElement[];
  /** Text directly inside the element (CDATA included), comments left out. */
  text: string;
  line: number;
  column: number;
}

export class PolicyXmlError extends Error {
  constructor(message: string, readonly line: number, readonly column: number, readonly element?: string) {
    super(message);
    this.name = 'PolicyXmlError';
  }
}

export function parsePolicyElementTree(xml: string): PolicyElement {
  const parser = new SaxesParser({ position: true });
  const stack: PolicyElement[] = [];
  let root: PolicyElement | undefined;
  let failure: PolicyXmlError | undefined;
  let start = { line: 1, column: 1 };

  parser.on('error', (error) => {
    failure ??= new PolicyXmlError(error.message.replace(/^\d+:\d+: /, ''), parser.line, parser.column + 1, stack[stack.length - 1]?.name);
  });
  parser.on('opentagstart', (tag) => {
    start = { line: parser.line, column: Math.max(1, parser.column - tag.name.length) };
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[name] = restoreExpressions(String(value));
    const element: PolicyElement = { name: tag.name, attributes, children: [], text: '', ...start };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root ??= element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  const addText = (text: string): void => {
    const current = stack[stack.length - 1];
    if (current) current.text += restoreExpressions(text);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  try {
    parser.write(protectExpressions(xml)).close();
  } catch (error) {
    failure ??= new PolicyXmlError((error as Error).message, parser.line, parser.column + 1);
  }
  if (failure) throw failure;
  if (!root) throw new PolicyXmlError('The policy document is empty.', 1, 1);
  return root;
}
