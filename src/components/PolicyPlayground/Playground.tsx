/**
 * The policy playground itself (loaded on demand by index.tsx): an API policy editor, a request
 * panel, the gateway's response, the token metrics in Application Insights and a KQL box, all
 * backed by the sandbox's own gateway, model, telemetry and KQL engine running in this page.
 */
import React, { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { labFileText } from '@site/src/data/labFiles.ts';
import {
  createPlaygroundSandbox,
  PLAYGROUND_INGESTION_DELAY_MS,
  PLAYGROUND_MODEL_LATENCY,
  type PolicySaveResult,
  type Prerequisites,
  type QueryOutcome,
  type TelemetryView,
} from './playgroundSandbox.ts';
import { DEFAULT_REQUEST, type RequestSettings } from './presets.ts';
import { labCommandFor } from './labCommand.ts';
import PrerequisiteToggles from './PrerequisiteToggles';
import QueryPanel, { type QueryFile } from './QueryPanel';
import RequestPanel from './RequestPanel';
import ResponseView, { type ResponseState } from './ResponseView';
import TelemetryPanel from './TelemetryPanel';
import XmlEditor from './XmlEditor';
import styles from './styles.module.css';

export type PolicyFile = 'openai-api-token-metrics' | 'llm-emit-token-metric' | 'openai-api';

interface Props {
  policy?: PolicyFile;
  query?: QueryFile;
}

const STORAGE_PREFIX = 'policy-playground:v1:';

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(STORAGE_PREFIX + key);
  } catch {
    return null;
  }
}

function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(STORAGE_PREFIX + key);
    else window.localStorage.setItem(STORAGE_PREFIX + key, value);
  } catch {
    // Private browsing or a full quota: the playground still works, it just forgets on reload.
  }
}

function policyFileText(file: PolicyFile): string {
  return labFileText(`labs/policies/${file}.xml`) ?? '<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>\n';
}

function queryFileText(file: QueryFile): string {
  return labFileText(`labs/queries/${file}.kql`) ?? 'customMetrics\n| take 10';
}

async function copyToClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  throw new Error('The clipboard is not available here.');
}

export default function Playground({ policy: policyFile = 'openai-api-token-metrics', query: initialQueryFile = 'tokens-over-time' }: Props): ReactNode {
  const sandbox = useMemo(() => createPlaygroundSandbox({ modelLatency: PLAYGROUND_MODEL_LATENCY }), []);

  // The policy: the reader's edited text survives a reload; the gateway runs the last saved one.
  const [policyText, setPolicyText] = useState(() => readStored(`policy:${policyFile}`) ?? policyFileText(policyFile));
  const [savedText, setSavedText] = useState<string | null>(null);
  const [saveResult, setSaveResult] = useState<PolicySaveResult | null>(null);
  const [prerequisites, setPrerequisites] = useState<Prerequisites>(() => sandbox.prerequisites());
  const [request, setRequest] = useState<RequestSettings>(DEFAULT_REQUEST);
  const [response, setResponse] = useState<ResponseState | null>(null);
  const [sending, setSending] = useState(false);
  const [telemetry, setTelemetry] = useState<TelemetryView>(() => sandbox.telemetry());
  const [queryFile, setQueryFile] = useState<QueryFile>(initialQueryFile);
  const [queryText, setQueryText] = useState(() => queryFileText(initialQueryFile));
  const [queryOutcome, setQueryOutcome] = useState<QueryOutcome | null>(null);
  const [notice, setNotice] = useState('');
  const latestSend = useRef(0);

  const savePolicy = useCallback(
    (text: string): boolean => {
      const result = sandbox.savePolicy(text);
      setSaveResult(result);
      if (result.ok) setSavedText(text);
      return result.ok;
    },
    [sandbox],
  );

  // Apply the starting policy (the file, or the reader's stored edit) once.
  useEffect(() => {
    savePolicy(policyText);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [savePolicy]);

  useEffect(() => sandbox.subscribe(() => setTelemetry(sandbox.telemetry())), [sandbox]);

  const onPolicyChange = useCallback(
    (text: string) => {
      setPolicyText(text);
      writeStored(`policy:${policyFile}`, text === policyFileText(policyFile) ? null : text);
    },
    [policyFile],
  );
  const saveEdited = useCallback(() => savePolicy(policyText), [savePolicy, policyText]);

  const onSend = async () => {
    if (policyText !== savedText && !savePolicy(policyText)) {
      setNotice('The policy has an error, so nothing was sent: fix it (see the message under the editor) and send again.');
      return;
    }
    setNotice('');
    const sendId = ++latestSend.current;
    setSending(true);
    const started = performance.now();
    try {
      const answer = await sandbox.send(request);
      const firstByteMs = Math.round(performance.now() - started);
      const base: ResponseState = { sequence: sendId, status: answer.status, headers: answer.headers, pieces: [], done: false, firstByteMs };
      if (answer.stream === undefined) {
        setResponse({ ...base, pieces: [answer.body ?? ''], done: true, totalMs: firstByteMs });
        setTelemetry(sandbox.telemetry());
      } else {
        setResponse(base);
        for await (const piece of answer.stream) {
          if (sendId !== latestSend.current) return;
          setResponse((current) => (current === null ? current : { ...current, pieces: [...current.pieces, piece] }));
        }
        const totalMs = Math.round(performance.now() - started);
        setResponse((current) => (current === null ? current : { ...current, done: true, totalMs }));
        setTelemetry(sandbox.telemetry());
      }
    } finally {
      if (sendId === latestSend.current) setSending(false);
    }
  };

  const onPrerequisite = (key: keyof Prerequisites, on: boolean) => {
    sandbox.setPrerequisite(key, on);
    setPrerequisites(sandbox.prerequisites());
  };

  const runQuery = useCallback(() => {
    setQueryOutcome(sandbox.query(queryText));
  }, [sandbox, queryText]);

  const onQueryFile = useCallback((file: QueryFile) => {
    setQueryFile(file);
    setQueryText(queryFileText(file));
    setQueryOutcome(null);
  }, []);

  const onReset = () => {
    latestSend.current += 1;
    sandbox.reset();
    const fileText = policyFileText(policyFile);
    writeStored(`policy:${policyFile}`, null);
    setPolicyText(fileText);
    savePolicy(fileText);
    setPrerequisites(sandbox.prerequisites());
    setRequest(DEFAULT_REQUEST);
    setResponse(null);
    setSending(false);
    setTelemetry(sandbox.telemetry());
    setQueryFile(initialQueryFile);
    setQueryText(queryFileText(initialQueryFile));
    setQueryOutcome(null);
    setNotice('Back to the lesson policy, with every prerequisite on and no telemetry.');
  };

  const onCopyCommand = () => {
    copyToClipboard(labCommandFor(policyText, policyFile)).then(
      () => setNotice('Copied: paste it in a terminal at the root of the course repository to apply this policy with the lab.'),
      () => setNotice('Could not reach the clipboard: open "Lab command" below and copy it from there.'),
    );
  };

  const policyError = saveResult !== null && !saveResult.ok ? saveResult : null;
  const dirty = policyText !== savedText;

  return (
    <div className={styles.playground} data-testid="policy-playground">
      <div className={styles.toolbar}>
        <p className={styles.title}>Policy playground</p>
        <span className={styles.muted}>API Management gateway, Azure OpenAI and Application Insights, running in this page</span>
        <span className={styles.spacer} />
        <button type="button" className="button button--sm button--outline button--secondary" onClick={onCopyCommand} data-testid="playground-copy-command">
          Copy as lab command
        </button>
        <button type="button" className="button button--sm button--outline button--danger" onClick={onReset} data-testid="playground-reset">
          Reset
        </button>
      </div>
      {notice && (
        <p className={styles.notice} role="status" data-testid="playground-notice">
          {notice}
        </p>
      )}

      <div className={styles.grid}>
        <section className={styles.panel} aria-label="API policy">
          <h3 className={styles.panelTitle}>1. API policy of the openai API</h3>
          <XmlEditor
            value={policyText}
            onChange={onPolicyChange}
            language="xml"
            label="API policy XML"
            error={policyError?.position ?? null}
            onSubmit={saveEdited}
            testId="playground-policy-editor"
          />
          <p className={styles.actions}>
            <button type="button" className="button button--secondary" onClick={saveEdited} data-testid="playground-save">
              Save policy
            </button>
            <span className={styles.muted} data-testid="playground-policy-state">
              {policyError ? 'Not saved: the gateway still runs the last valid policy.' : dirty ? 'Edited: Send saves it first.' : 'Saved: the gateway runs this policy.'}
            </span>
          </p>
          {policyError && (
            <div className={styles.errorBox} role="alert" data-testid="playground-policy-error">
              <strong>
                400 {policyError.error.code}: {policyError.error.message}
              </strong>
              <ul>
                {policyError.error.details.map((detail, index) => (
                  <li key={index}>{detail.message}</li>
                ))}
              </ul>
            </div>
          )}
          <details className={styles.details}>
            <summary>Lab command</summary>
            <pre className={styles.body}>{labCommandFor(policyText, policyFile)}</pre>
          </details>
        </section>

        <section className={styles.panel} aria-label="Request">
          <h3 className={styles.panelTitle}>2. Request: chat completion through the gateway</h3>
          <RequestPanel settings={request} onChange={setRequest} onSend={() => void onSend()} sending={sending} />
        </section>
      </div>

      <PrerequisiteToggles value={prerequisites} onChange={onPrerequisite} />

      <section className={styles.panel} aria-label="Response">
        <h3 className={styles.panelTitle}>3. Response</h3>
        <ResponseView response={response} />
      </section>

      <section className={styles.panel} aria-label="Telemetry">
        <h3 className={styles.panelTitle}>4. Token metrics in Application Insights</h3>
        <TelemetryPanel telemetry={telemetry} ingestionDelayMs={PLAYGROUND_INGESTION_DELAY_MS} />
      </section>

      <section className={styles.panel} aria-label="Query">
        <h3 className={styles.panelTitle}>5. Query the metrics with KQL</h3>
        <QueryPanel query={queryText} onQueryChange={setQueryText} file={queryFile} onFileChange={onQueryFile} onRun={runQuery} outcome={queryOutcome} />
      </section>
    </div>
  );
}
