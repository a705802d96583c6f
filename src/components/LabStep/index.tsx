/**
 * One exercise's lab: the `npm run lab:<step>` command with a copy button, a link to the page
 * that shows the script's source, and the output a real run printed.
 */
import React, { type ReactNode } from 'react';
import Link from '@docusaurus/Link';
import CommandLine from '@site/src/components/CommandLine';
import ExpectedOutput, { transcriptFor } from '@site/src/components/ExpectedOutput';
import { labScriptPath, labScriptRoute } from '@site/src/data/labFiles.ts';
import styles from './styles.module.css';

interface Props {
  /** The lab step, as in `npm run lab:<step>` and `labs/<step>.ts`. */
  step: string;
  /** What the script does, in one sentence. */
  children?: ReactNode;
  /** Extra arguments shown after the command, e.g. `-- --yes`. */
  args?: string;
}

export default function LabStep({ step, children, args }: Props): ReactNode {
  const command = `npm run lab:${step}${args ? ` ${args}` : ''}`;
  const route = labScriptRoute(step);
  const hasOutput = transcriptFor(step) !== undefined;
  return (
    <section className={styles.labStep} aria-label={`Lab ${step}`} data-lab-step={step}>
      <p className={styles.heading}>
        <span className={styles.badge}>Lab</span>
        {children ?? <>Run this step as a script.</>}
      </p>
      <CommandLine command={command} label="lab command" />
      <p className={styles.source}>
        {route ? (
          <>
            Read the script: <Link to={route}>{labScriptPath(step)}</Link>
          </>
        ) : (
          <>The script {labScriptPath(step)} is missing from this copy of the course.</>
        )}
      </p>
      {hasOutput && (
        <details className={styles.output}>
          <summary>Expected output</summary>
          <ExpectedOutput step={step} />
        </details>
      )}
    </section>
  );
}
