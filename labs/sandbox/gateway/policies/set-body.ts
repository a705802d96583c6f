/** `set-body`: replaces the request body (before the backend answers) or the response body (after). */
import { elementText } from '../values.ts';
import type { PolicyHandler } from './handler.ts';

export const setBody: PolicyHandler = (element, call) => {
  const text = elementText(call, element);
  if (call.response) {
    call.response.body = text;
    delete call.response.stream;
  } else {
    call.request.body = text;
    call.resetRequestJson();
  }
  return 'continue';
};
