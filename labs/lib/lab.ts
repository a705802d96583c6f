/**
 * The frame every lab script runs in: parses the command line, loads and checks the settings,
 * prints the banner, builds the SDK clients for the target, and turns any failure into one clear
 * paragraph and a non-zero exit code.
 *
 * A lab's own file then reads like the lesson step: `lab.ensure(...)` for each thing it creates
 * (read what exists, create or update only what differs, say "already in place" otherwise) and
 * `lab.require(...)` for what an earlier step must have made.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pc from 'picocolors';
import { loadSettings, type LabSettings } from './settings.ts';
import { createClients, resolveTarget, type LabClients, type LabTarget } from './target.ts';
import { resourceNames, type ResourceNames } from './names.ts';
import { StateFile } from './state.ts';
import { Output, seconds } from './output.ts';
import { explain, PrerequisiteError } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags = Record<string, string | boolean | undefined>;

export interface LabDefinition<O extends Options> {
  step: string;
  title: string;
  /** Extra command-line options of this lab (besides --verbose, --yes and --help). */
  options?: O;
  /** One line per extra option for --help. */
  usage?: string[];
}

export type Outcome = 'created' | 'updated' | 'in place';

export interface EnsureSpec<T> {
  /** What is ensured, as the lesson names it, e.g. "Resource group lab-rg". */
  what: string;
  /** Reads the current resource; a 404 counts as "does not exist". */
  read: () => Promise<T>;
  /** What differs between the current resource and the wanted one ([] when nothing). */
  differences?: (current: T) => string[];
  /** Creates or updates the resource and returns it. */
  apply: (current: T | undefined) => Promise<T>;
  /** Shown while a long create runs. */
  waitHint?: string;
  /** The resource id, for a portal link on Azure. */
  id?: (resource: T) => string | undefined;
}

export interface Lab<O extends Options> {
  settings: LabSettings;
  target: LabTarget;
  clients: LabClients;
  names: ResourceNames;
  state: StateFile;
  out: Output;
  /** The command-line flags (the common ones and the lab's own). */
  flags: Flags;
  /** Makes sure a resource exists as wanted; returns it and what was done. */
  ensure<T>(spec: EnsureSpec<T>): Promise<{ resource: T; outcome: Outcome }>;
  /** Reads something an earlier lab creates, or stops with the step to run first. */
  require<T>(what: string, step: string, read: () => Promise<T>): Promise<T>;
  /** Stops with the step to run first when `present` is false. */
  prerequisite(present: boolean, what: string, step: string): void;
  /** Reads a resource, or undefined when it does not exist (404). */
  find<T>(read: () => Promise<T>): Promise<T | undefined>;
  /** Asks before something destructive on Azure (`--yes` skips the question); the sandbox needs no confirmation. */
  confirm(question: string): Promise<boolean>;
  /** Sets what the lab is doing, for error messages. */
  doing(activity: string): void;
  /** Runs only on Azure (cost warnings, portal hints); the sandbox has nothing to pay or wait for. */
  onAzure(action: () => void): void;
  /** Retries `work` while Azure answers one of `codes` (replication delays), up to about two minutes. */
  retryWhile<T>(codes: string[], waitingFor: string, work: () => Promise<T>): Promise<T>;
}

const COMMON_OPTIONS = {
  verbose: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function isNotFound(error: unknown): boolean {
  const e = error as { statusCode?: number; status?: number; code?: string };
  return e?.statusCode === 404 || e?.status === 404 || e?.code === 'ResourceNotFound' || e?.code === 'ResourceGroupNotFound';
}

export async function runLab<O extends Options>(definition: LabDefinition<O>, body: (lab: Lab<O>) => Promise<void>): Promise<void> {
  const out = new Output();
  let verbose = process.argv.includes('--verbose');
  let activity: string | undefined;
  const started = Date.now();
  const outcomes: Outcome[] = [];
  try {
    const flags = parseArgs({
      args: process.argv.slice(2),
      options: { ...COMMON_OPTIONS, ...(definition.options ?? {}) },
      strict: true,
      allowPositionals: false,
    }).values as Flags;
    verbose = Boolean(flags.verbose);
    if (flags.help) {
      out.line(`npm run lab:${definition.step} [-- options]: ${definition.title}`);
      for (const text of [...(definition.usage ?? []), '--yes       answer yes to confirmations', '--verbose   show stack traces on failure']) out.line(`  ${text}`);
      return;
    }
    const settings = loadSettings();
    const target = resolveTarget(settings);
    out.banner(definition.step, definition.title, target.description);
    const clients = createClients(target);
    const names = resourceNames(settings.prefix, target.subscriptionId, settings.modelName);
    const state = new StateFile(settings.stateDir, { target: target.kind, subscriptionId: target.subscriptionId, prefix: settings.prefix });

    const find = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    };

    const lab: Lab<O> = {
      settings,
      target,
      clients,
      names,
      state,
      out,
      flags,
      find,
      doing: (text) => (activity = text),
      prerequisite(present, what, step) {
        if (!present) throw new PrerequisiteError(what, step);
      },
      async require(what, step, read) {
        activity = `reading ${what}`;
        const found = await find(read);
        if (found === undefined) throw new PrerequisiteError(what, step);
        return found;
      },
      async ensure<T>(spec: EnsureSpec<T>) {
        activity = `reading ${spec.what}`;
        const current = await find(spec.read);
        const differences = current === undefined ? [] : (spec.differences?.(current) ?? []);
        if (current !== undefined && differences.length === 0) {
          out.success(`${spec.what}: already in place`);
          outcomes.push('in place');
          return { resource: current, outcome: 'in place' as const };
        }
        const outcome: Outcome = current === undefined ? 'created' : 'updated';
        activity = `${current === undefined ? 'creating' : 'updating'} ${spec.what}`;
        const verb = current === undefined ? 'Creating' : 'Updating';
        const resource = await out.task(
          `${verb} ${spec.what}${spec.waitHint ? pc.dim(` (${spec.waitHint})`) : ''}`,
          () => spec.apply(current),
          () => `${spec.what}: ${outcome}${differences.length > 0 ? ` (${differences.join('; ')})` : ''}`,
        );
        out.link(spec.id ? target.portalLink(spec.id(resource) ?? '') : undefined);
        outcomes.push(outcome);
        return { resource, outcome };
      },
      onAzure(action) {
        if (target.kind === 'azure') action();
      },
      async retryWhile(codes, waitingFor, work) {
        for (let attempt = 1; ; attempt++) {
          try {
            return await work();
          } catch (error) {
            const code = (error as { code?: string })?.code ?? '';
            if (!codes.includes(code) || attempt >= 12) throw error;
            out.note(`Waiting for ${waitingFor} (${code}); trying again in 10 s.`);
            await new Promise((resolve) => setTimeout(resolve, 10_000));
          }
        }
      },
      async confirm(question) {
        if (flags.yes || target.kind === 'sandbox') return true;
        if (!process.stdin.isTTY) {
          out.warn(`${question} Not confirmed: run again with --yes to proceed without a question.`);
          return false;
        }
        const { createInterface } = await import('node:readline/promises');
        const prompt = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await prompt.question(`${question} [y/N] `);
        prompt.close();
        return /^y(es)?$/i.test(answer.trim());
      },
    };

    await body(lab);

    const changed = outcomes.filter((outcome) => outcome !== 'in place').length;
    out.line();
    if (outcomes.length > 0 && changed === 0) {
      out.success(`Everything was already in place; nothing changed. ${pc.dim(`(${seconds(Date.now() - started)})`)}`);
    } else {
      const counts = (['created', 'updated', 'in place'] as const)
        .map((outcome) => [outcome, outcomes.filter((o) => o === outcome).length] as const)
        .filter(([, count]) => count > 0)
        .map(([outcome, count]) => `${count} ${outcome === 'in place' ? 'already in place' : outcome}`);
      out.success(`Done${counts.length > 0 ? `: ${counts.join(', ')}` : ''}. ${pc.dim(`(${seconds(Date.now() - started)})`)}`);
    }
  } catch (error) {
    out.line();
    process.stderr.write(pc.red(`✖ ${explain(error, activity)}`) + '\n');
    if (verbose && error instanceof Error && error.stack) process.stderr.write(pc.dim(error.stack) + '\n');
    process.exitCode = 1;
  }
}
