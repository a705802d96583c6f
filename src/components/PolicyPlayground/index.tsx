/**
 * The policy playground as an MDX component: `<PolicyPlayground />`.
 *
 * This file is all a lesson page pays for up front. The playground itself (editor, gateway,
 * model, tokenizer, KQL engine, chart) is a separate chunk that loads only when the reader
 * scrolls the placeholder into view or clicks it; before that the page shows a short preview.
 */
import React, { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from 'react';
import BrowserOnly from '@docusaurus/BrowserOnly';
import styles from './styles.module.css';

const Playground = lazy(() => import(/* webpackChunkName: "policy-playground" */ './Playground'));

interface Props {
  /** Which lab policy file the editor starts with. */
  policy?: 'openai-api-token-metrics' | 'llm-emit-token-metric' | 'openai-api';
  /** Which lab query file the KQL box starts with. */
  query?: 'tokens-over-time' | 'tokens-by-subscription';
}

function Placeholder({ onLoad, loading }: { onLoad?: () => void; loading: boolean }): ReactNode {
  return (
    <div className={styles.placeholder} data-testid="playground-placeholder">
      <p className={styles.placeholderTitle}>Policy playground</p>
      <p>
        Edit the API policy, send chat completions through an API Management gateway that runs in this page, and
        watch the token metrics arrive in Application Insights, then query them with KQL. Nothing leaves your browser.
      </p>
      <button type="button" className="button button--primary" onClick={onLoad} disabled={loading || onLoad === undefined}>
        {loading ? 'Loading the playground…' : 'Open the playground'}
      </button>
    </div>
  );
}

/** Waits until the reader gets near the placeholder (or clicks it), then loads the playground chunk. */
function LazyPlayground(props: Props): ReactNode {
  const [wanted, setWanted] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = anchor.current;
    if (wanted || element === null) return undefined;
    if (typeof IntersectionObserver === 'undefined') {
      setWanted(true);
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setWanted(true);
      },
      { rootMargin: '0px 0px 0px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [wanted]);

  return (
    <div ref={anchor} className={styles.frame}>
      {wanted ? (
        <Suspense fallback={<Placeholder loading />}>
          <Playground {...props} />
        </Suspense>
      ) : (
        <Placeholder loading={false} onLoad={() => setWanted(true)} />
      )}
    </div>
  );
}

export default function PolicyPlayground(props: Props): ReactNode {
  return (
    <BrowserOnly fallback={<div className={styles.frame}><Placeholder loading={false} /></div>}>
      {() => <LazyPlayground {...props} />}
    </BrowserOnly>
  );
}
