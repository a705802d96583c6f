/**
 * A shell command on one line with a button that copies it to the clipboard.
 */
import React, { useEffect, useState, type ReactNode } from 'react';
import styles from './styles.module.css';

interface Props {
  command: string;
  /** Accessible name of the command, e.g. "lab command"; used in the button label. */
  label?: string;
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export default function CommandLine({ command, label = 'command' }: Props): ReactNode {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (status === 'idle') return undefined;
    const timer = window.setTimeout(() => setStatus('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [status]);

  const onCopy = () => {
    copyText(command).then(
      () => setStatus('copied'),
      () => setStatus('failed'),
    );
  };

  return (
    <div className={styles.commandLine}>
      <code className={styles.command} data-command={command}>
        <span className={styles.prompt} aria-hidden="true">
          $
        </span>
        {command}
      </code>
      <button type="button" className={styles.copyButton} onClick={onCopy} aria-label={`Copy ${label}: ${command}`}>
        {status === 'copied' ? 'Copied' : status === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
      <span className={styles.visuallyHidden} role="status" aria-live="polite">
        {status === 'copied' ? `Copied ${command} to the clipboard` : status === 'failed' ? 'Could not copy; select the command and copy it by hand' : ''}
      </span>
    </div>
  );
}
