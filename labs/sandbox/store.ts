/**
 * The sandbox's durable resource store: every ARM resource, soft-deleted services and accounts,
 * and long-running operation records, kept in one JSON file in the state folder.
 *
 * Each acknowledged change is written whole to a temporary file, flushed to disk (fsync), then
 * renamed over the previous file, and the folder entry is flushed too. A `kill -9` at any moment
 * therefore leaves either the old file or the new one, never a torn mix. Reads are served from
 * memory; lookups are case-insensitive, as ARM's are.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type ArmResource, type ResourceView, resourceKey } from './core/resources.ts';
import { stateFiles } from './config.ts';

/** A resource still being provisioned: GET shows `state` until `until` (epoch ms). */
export interface PendingProvisioning {
  until: number;
  state: string;
}

/** A soft-deleted APIM service or Cognitive Services account. */
export interface DeletedEntry {
  /** `apim` or `cognitive`. */
  kind: 'apim' | 'cognitive';
  name: string;
  location: string;
  resourceGroup: string;
  deletionDate: string;
  scheduledPurgeDate: string;
  /** The resource as it was, with its children, for restore. */
  resource: ArmResource;
  children: ArmResource[];
}

/** A long-running operation the SDK polls. */
export interface OperationRecord {
  id: string;
  /** The resource the operation acts on. */
  resourceId: string;
  action: 'put' | 'delete' | 'purge';
  /** Epoch ms when the operation started and when it is reported done. */
  startedAt: number;
  doneAt: number;
  status: 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
}

export interface StoredState {
  version: 1;
  subscriptionId: string;
  tenantId: string;
  /** The object id of the learner's own identity (tokens from `/msi/token`). */
  learnerPrincipalId: string;
  resources: Record<string, ArmResource>;
  pending: Record<string, PendingProvisioning>;
  deleted: Record<string, DeletedEntry>;
  operations: Record<string, OperationRecord>;
}

/** Operations older than this are forgotten, and only the most recent ones are kept. */
const OPERATION_RETENTION_MS = 24 * 3600_000;
const OPERATION_LIMIT = 1000;

/** Writes `text` to `path` so that a crash leaves either the old or the new content. */
export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const dir = join(path, '..');
  const temp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a crashed writer left behind. A temporary file of a live process (a
 * running sandbox while `sandbox:env` reads the state) is left alone: it is about to be renamed.
 */
function removeLeftoverTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const writer = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!name.endsWith('.tmp')) continue;
    const pid = writer === null ? undefined : Number(writer[1]);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
  }
}

function freshState(): StoredState {
  return {
    version: 1,
    subscriptionId: randomUUID(),
    tenantId: randomUUID(),
    learnerPrincipalId: randomUUID(),
    resources: {},
    pending: {},
    deleted: {},
    operations: {},
  };
}

function parseState(text: string, path: string): StoredState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The sandbox state file ${path} is not valid JSON (${(error as Error).message}). Run \`npm run sandbox:reset\` to start over.`);
  }
  const state = value as StoredState;
  if (state === null || typeof state !== 'object' || state.version !== 1 || typeof state.subscriptionId !== 'string') {
    throw new Error(`The sandbox state file ${path} has an unknown layout. Run \`npm run sandbox:reset\` to start over.`);
  }
  state.pending ??= {};
  state.deleted ??= {};
  state.operations ??= {};
  return state;
}

export class ResourceStore implements ResourceView {
  private state: StoredState;
  private readonly path: string;
  private childIndex: Map<string, ArmResource[]> | undefined;

  private constructor(path: string, state: StoredState, private readonly now: () => number) {
    this.path = path;
    this.state = state;
  }

  /** Opens the store in `stateDir`, creating a fresh one (new subscription id) on first use. */
  static open(stateDir: string, now: () => number = Date.now): ResourceStore {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    removeLeftoverTemps(stateDir);
    const path = join(stateDir, stateFiles.resources);
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const state = freshState();
      writeFileAtomic(path, JSON.stringify(state));
      return new ResourceStore(path, state, now);
    }
    return new ResourceStore(path, parseState(text, path), now);
  }

  get subscriptionId(): string {
    return this.state.subscriptionId;
  }
  get tenantId(): string {
    return this.state.tenantId;
  }
  get learnerPrincipalId(): string {
    return this.state.learnerPrincipalId;
  }

  /** The stored resource with its provisioning state as of now (a transitional state while pending). */
  get(id: string): ArmResource | undefined {
    const key = resourceKey(id);
    const resource = this.state.resources[key];
    if (resource === undefined) return undefined;
    const pending = this.state.pending[key];
    if (pending === undefined || pending.until <= this.now()) return resource;
    return { ...resource, properties: { ...resource.properties, provisioningState: pending.state } };
  }

  children(parentId: string, childType: string): ArmResource[] {
    const list = this.index().get(`${resourceKey(parentId)}|${childType.toLowerCase()}`) ?? [];
    return list.map((resource) => this.get(resource.id) ?? resource);
  }

  ofType(type: string): ArmResource[] {
    const wanted = type.toLowerCase();
    return Object.values(this.state.resources)
      .filter((resource) => resource.type.toLowerCase() === wanted)
      .map((resource) => this.get(resource.id) ?? resource);
  }

  /** Every resource whose id lies below `id` (children, grandchildren, extension resources). */
  descendants(id: string): ArmResource[] {
    const prefix = `${resourceKey(id)}/`;
    return Object.entries(this.state.resources)
      .filter(([key]) => key.startsWith(prefix))
      .map(([, resource]) => resource);
  }

  /** A read-only look at soft-deleted entries and operations. */
  deletedEntry(key: string): DeletedEntry | undefined {
    return this.state.deleted[key];
  }
  deletedEntries(): DeletedEntry[] {
    return Object.values(this.state.deleted);
  }
  operation(id: string): OperationRecord | undefined {
    return this.state.operations[id.toLowerCase()];
  }

  /**
   * Applies `change` to the state and makes it durable before returning. If `change` throws or
   * the write fails, the in-memory state is rolled back, so memory and disk never disagree.
   */
  update<T>(change: (state: StoredState) => T): T {
    const before = JSON.stringify(this.state);
    try {
      const result = change(this.state);
      this.forgetOldOperations();
      writeFileAtomic(this.path, JSON.stringify(this.state));
      this.childIndex = undefined;
      return result;
    } catch (error) {
      this.state = JSON.parse(before) as StoredState;
      this.childIndex = undefined;
      throw error;
    }
  }

  private forgetOldOperations(): void {
    const cutoff = this.now() - OPERATION_RETENTION_MS;
    const operations = Object.entries(this.state.operations).sort(([, a], [, b]) => b.startedAt - a.startedAt);
    operations.forEach(([id, op], index) => {
      if (op.doneAt < cutoff || index >= OPERATION_LIMIT) delete this.state.operations[id];
    });
    for (const [key, pending] of Object.entries(this.state.pending)) {
      if (pending.until <= this.now() || this.state.resources[key] === undefined) delete this.state.pending[key];
    }
  }

  /** parent key + child type → children, rebuilt after each change. */
  private index(): Map<string, ArmResource[]> {
    if (this.childIndex !== undefined) return this.childIndex;
    const index = new Map<string, ArmResource[]>();
    for (const [key, resource] of Object.entries(this.state.resources)) {
      const segments = key.split('/');
      const name = segments.length - 1;
      // `{parent}/{childType}/{name}` or `{scope}/providers/{namespace}/{childType}/{name}`
      const direct = `${segments.slice(0, name - 1).join('/')}|${segments[name - 1]}`;
      push(index, direct, resource);
      if (segments.length >= 5 && segments[name - 3] === 'providers') {
        push(index, `${segments.slice(0, name - 3).join('/')}|${segments[name - 1]}`, resource);
      }
    }
    this.childIndex = index;
    return index;
  }
}

function push(index: Map<string, ArmResource[]>, key: string, resource: ArmResource): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [resource]);
  else list.push(resource);
}
