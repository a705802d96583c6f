/**
 * The captured output of a real lab run (against the local sandbox), styled as a terminal.
 * Transcripts come from `labs/transcripts/index.ts`; a step without one renders nothing.
 */
import React, { type ReactNode } from 'react';
import { transcripts } from '@site/labs/transcripts/index.ts';
import styles from './styles.module.css';

interface Props {
  step: string;
}

const ANSI_ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function transcriptFor(step: string): string | undefined {
  const text = transcripts[step];
  return text ? text.replace(ANSI_ESCAPES, '').replace(/\s+$/, '') : undefined;
}

export default function ExpectedOutput({ step }: Props): ReactNode {
  const text = transcriptFor(step);
  if (!text) return null;
  return (
    <figure className={styles.terminal} aria-label={`Expected output of npm run lab:${step}`}>
      <figcaption className={styles.titleBar}>
        <span className={styles.dots} aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
        <span>npm run lab:{step}</span>
        <span className={styles.note}>captured from a sandbox run</span>
      </figcaption>
      <pre className={styles.screen} tabIndex={0}>
        <code>{text}</code>
      </pre>
    </figure>
  );
}
