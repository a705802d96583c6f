/**
 * `set-header`: adds, replaces, appends to or deletes a header of the request (inbound, backend)
 * or of the response (outbound, on-error, and inside `return-response`).
 */
import type { PolicyElement } from '../../policy/index.ts';
import type { Call } from '../call.ts';
import { attribute, elementText } from '../values.ts';
import type { PolicyHandler } from './handler.ts';

export function applySetHeader(element: PolicyElement, call: Call, headers: Record<string, string>): void {
  const name = (attribute(call, element, 'name') ?? '').toLowerCase();
  const action = element.attributes['exists-action'] ?? 'override';
  const values = element.children.filter((child) => child.name === 'value').map((child) => elementText(call, child));
  if (action === 'delete') {
    delete headers[name];
    return;
  }
  if (action === 'skip' && name in headers) return;
  if (action === 'append' && name in headers) {
    headers[name] = [headers[name], ...values].join(',');
    return;
  }
  headers[name] = values.join(',');
}

export const setHeader: PolicyHandler = (element, call) => {
  const target = call.response ? call.response.headers : call.request.headers;
  applySetHeader(element, call, target);
  return 'continue';
};
