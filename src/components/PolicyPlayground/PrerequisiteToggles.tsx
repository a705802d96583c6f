/**
 * Switches for the Azure settings token metrics depend on. Each one changes the in-page
 * resources (the diagnostic, the Application Insights component, the role assignment), so the
 * next request shows what Azure does without it.
 */
import React, { type ReactNode } from 'react';
import type { Prerequisites } from './playgroundSandbox.ts';
import styles from './styles.module.css';

const SWITCHES: Array<{ key: keyof Prerequisites; title: ReactNode; without: string }> = [
  {
    key: 'diagnosticMetrics',
    title: (
      <>
        Diagnostic <code>applicationinsights</code> on the API has <code>"metrics": true</code>
      </>
    ),
    without: 'Without it the gateway sends no token metrics at all, even though the policy runs.',
  },
  {
    key: 'customMetricsWithDimensions',
    title: (
      <>
        Application Insights custom metrics <em>with dimensions</em> (<code>CustomMetricsOptedInType: WithDimensions</code>)
      </>
    ),
    without: 'Without it the metric rows still arrive, but with no dimensions: no split by subscription or user.',
  },
  {
    key: 'openAiRoleAssignment',
    title: (
      <>
        APIM's managed identity holds <em>Cognitive Services OpenAI User</em> on the Azure OpenAI account
      </>
    ),
    without: 'Without it Azure OpenAI refuses the token APIM sends: the call fails with 401 and no tokens are counted.',
  },
];

interface Props {
  value: Prerequisites;
  onChange(key: keyof Prerequisites, on: boolean): void;
}

export default function PrerequisiteToggles({ value, onChange }: Props): ReactNode {
  return (
    <fieldset className={styles.prerequisites}>
      <legend>Azure prerequisites (switch one off and send again)</legend>
      {SWITCHES.map(({ key, title, without }) => (
        <label key={key} className={styles.check}>
          <input type="checkbox" checked={value[key]} onChange={(event) => onChange(key, event.target.checked)} data-testid={`playground-prereq-${key}`} />
          <span>
            {title}
            {!value[key] && <span className={styles.warning}> {without}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
