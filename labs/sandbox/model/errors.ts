/**
 * Azure OpenAI's error answers, with the status codes and bodies the service sends
 * (`{"error":{...}}`, which the `openai` client turns into `e.status`, `e.code` and `e.message`).
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';

export function resourceNotFound(): SandboxResponse {
  return jsonResponse(404, { error: { code: '404', message: 'Resource not found' } });
}

export function apiVersionNotSupported(): SandboxResponse {
  return jsonResponse(400, { error: { code: 'BadRequest', message: 'API version not supported' } });
}

export function missingKeyOrToken(): SandboxResponse {
  return jsonResponse(401, {
    error: {
      code: '401',
      message:
        'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
    },
  });
}

export function invalidKey(): SandboxResponse {
  return jsonResponse(401, {
    error: {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    },
  });
}

export function invalidToken(): SandboxResponse {
  return jsonResponse(401, {
    error: {
      code: '401',
      message:
        'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
    },
  });
}

export function permissionDenied(): SandboxResponse {
  return jsonResponse(401, { error: { code: 'PermissionDenied', message: 'Principal does not have access to API/Operation.' } });
}

export function keyAuthDisabled(): SandboxResponse {
  return jsonResponse(403, {
    error: { code: 'AuthenticationTypeDisabled', message: 'Key based authentication is disabled for this resource.' },
  });
}

export function deploymentNotFound(): SandboxResponse {
  return jsonResponse(404, {
    error: {
      code: 'DeploymentNotFound',
      message:
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
    },
  });
}

/** 400 `OperationNotSupported`: e.g. chat completions on an embedding model. */
export function operationNotSupported(operation: 'chatCompletion' | 'embeddings', modelName: string): SandboxResponse {
  return jsonResponse(400, {
    error: {
      code: 'OperationNotSupported',
      message: `The ${operation} operation does not work with the specified model, ${modelName}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
    },
  });
}

/** 400 with the OpenAI-style body Azure passes through for invalid requests. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null): SandboxResponse {
  return jsonResponse(400, { error: { message, type: 'invalid_request_error', param, code } });
}

export function unparsableJson(): SandboxResponse {
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

/** 429 when a deployment's tokens-per-minute or requests-per-minute limit is used up. */
export function rateLimited(options: {
  operation: 'ChatCompletions_Create' | 'Embeddings_Create';
  apiVersion: string;
  limit: 'token' | 'call';
  pricingTier: string;
  retryAfterSeconds: number;
  headers: Record<string, string>;
}): SandboxResponse {
  const message =
    `Requests to the ${options.operation} Operation under Azure OpenAI API version ${options.apiVersion} have exceeded ` +
    `${options.limit} rate limit of your current ${options.pricingTier} pricing tier. ` +
    `Please retry after ${options.retryAfterSeconds} second${options.retryAfterSeconds === 1 ? '' : 's'}. ` +
    'Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.';
  return jsonResponse(
    429,
    { error: { code: '429', message } },
    {
      ...options.headers,
      'retry-after': String(options.retryAfterSeconds),
      'retry-after-ms': String(options.retryAfterSeconds * 1000),
    },
  );
}
