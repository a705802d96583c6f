/**
 * Long-running operations, polled the way `@azure/core-lro` polls: an `Azure-AsyncOperation`
 * status URL (`{"status":"InProgress"|"Succeeded"}`) and/or a `Location` URL (202 while running,
 * then 200 with the result). An operation takes `provisioningDelayMs` (0 by default, so the first
 * poll already says Succeeded); while it runs the resource's GET shows a transitional
 * `provisioningState` and polls carry `Retry-After: 1`.
 */
import { randomUUID } from 'node:crypto';
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { resourceKey } from '../core/resources.ts';
import type { OperationRecord, StoredState } from '../store.ts';
import type { ArmContext } from './context.ts';
import { ArmError } from './errors.ts';
import { toWire } from './shape.ts';

/**
 * Records an operation on `resourceId` inside a store update. For a PUT, the resource shows
 * `transitionalState` until the operation is done.
 */
export function recordOperation(
  ctx: ArmContext,
  state: StoredState,
  resourceId: string,
  action: OperationRecord['action'],
  transitionalState?: string,
): OperationRecord {
  const startedAt = ctx.now();
  const op: OperationRecord = {
    id: randomUUID(),
    resourceId,
    action,
    startedAt,
    doneAt: startedAt + ctx.provisioningDelayMs,
    status: 'Succeeded',
  };
  state.operations[op.id] = op;
  if (transitionalState !== undefined && ctx.provisioningDelayMs > 0) {
    state.pending[resourceKey(resourceId)] = { until: op.doneAt, state: transitionalState };
  }
  return op;
}

function operationUrl(ctx: ArmContext, anchorId: string, kind: 'operationresults' | 'operationstatuses', op: OperationRecord): string {
  return `${ctx.origin}${anchorId}/${kind}/${op.id}?api-version=${encodeURIComponent(ctx.apiVersion)}`;
}

/** Both polling headers, as APIM, Cognitive Services and Log Analytics send them. */
export function asyncHeaders(ctx: ArmContext, anchorId: string, op: OperationRecord): Record<string, string> {
  return {
    'azure-asyncoperation': operationUrl(ctx, anchorId, 'operationstatuses', op),
    location: operationUrl(ctx, anchorId, 'operationresults', op),
    'retry-after': '1',
  };
}

/** Runs `remove` and records a delete operation in one durable write; answers 202 with polling headers. */
export function longRunningDelete(ctx: ArmContext, id: string, remove: (state: StoredState) => void): SandboxResponse {
  const op = ctx.store.update((state) => {
    remove(state);
    return recordOperation(ctx, state, id, 'delete');
  });
  return { status: 202, headers: asyncHeaders(ctx, id, op), body: '' };
}

/** Only a `Location` header (resource group deletion). */
export function locationHeaders(ctx: ArmContext, anchorId: string, op: OperationRecord): Record<string, string> {
  return { location: operationUrl(ctx, anchorId, 'operationresults', op), 'retry-after': '1' };
}

function findOperation(ctx: ArmContext, operationId: string, subscriptionId: string): OperationRecord {
  const op = ctx.store.operation(operationId);
  if (op === undefined || !op.resourceId.toLowerCase().startsWith(`/subscriptions/${subscriptionId.toLowerCase()}`)) {
    throw new ArmError(404, 'OperationNotFound', `The operation '${operationId}' was not found. Operations are kept for 24 hours.`);
  }
  return op;
}

function subscriptionOf(scope: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
}

/** `GET {anchor}/operationstatuses/{id}`: the Azure-AsyncOperation status body. */
export function handleOperationStatus(ctx: ArmContext, scope: string, operationId: string): SandboxResponse {
  const op = findOperation(ctx, operationId, subscriptionOf(scope));
  const running = ctx.now() < op.doneAt;
  const body: Record<string, unknown> = {
    id: `${scope}/operationstatuses/${op.id}`,
    name: op.id,
    status: running ? 'InProgress' : op.status,
    startTime: new Date(op.startedAt).toISOString(),
  };
  if (!running) body.endTime = new Date(op.doneAt).toISOString();
  if (!running && op.error !== undefined) body.error = op.error;
  return jsonResponse(200, body, running ? { 'retry-after': '1' } : {});
}

/** `GET {anchor}/operationresults/{id}`: 202 while running, then the outcome. */
export function handleOperationResult(ctx: ArmContext, scope: string, operationId: string): SandboxResponse {
  const op = findOperation(ctx, operationId, subscriptionOf(scope));
  if (ctx.now() < op.doneAt) {
    return {
      status: 202,
      headers: { location: `${ctx.origin}${ctx.req.path}?${ctx.req.query.toString()}`, 'retry-after': '1' },
      body: '',
    };
  }
  if (op.error !== undefined) return new ArmError(400, op.error.code, op.error.message).toResponse();
  if (op.action === 'put') {
    const resource = ctx.store.get(op.resourceId);
    if (resource !== undefined) return jsonResponse(200, toWire(resource));
  }
  return { status: 200, headers: {}, body: '' };
}
