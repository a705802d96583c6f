/**
 * A file from `labs/` (policy XML, KQL query, Bicep template) shown as a highlighted code block,
 * read at build time so the page always shows exactly what the labs apply.
 */
import React, { type ReactNode } from 'react';
import CodeBlock from '@theme/CodeBlock';
import Link from '@docusaurus/Link';
import { labFileRoute, labFileText } from '@site/src/data/labFiles.ts';
import styles from './styles.module.css';

interface Props {
  /** Path from the repository root, e.g. `labs/policies/openai-api-token-metrics.xml`. */
  path: string;
  /** Lines to highlight, in Docusaurus's `{1,4-6}` notation. */
  highlight?: string;
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = { xml: 'xml', kql: 'kusto', bicep: 'bicep', bicepparam: 'bicep' };

export default function LabFile({ path, highlight }: Props): ReactNode {
  const text = labFileText(path);
  if (text === undefined) {
    return <p className={styles.missing}>The file {path} is missing from this copy of the course.</p>;
  }
  const extension = path.slice(path.lastIndexOf('.') + 1);
  return (
    <div className={styles.labFile}>
      <CodeBlock language={LANGUAGE_BY_EXTENSION[extension] ?? 'text'} title={path} metastring={highlight ? `{${highlight}}` : undefined} showLineNumbers>
        {text.replace(/\s+$/, '')}
      </CodeBlock>
      <p className={styles.caption}>
        The labs apply this file as it is. <Link to={labFileRoute(path)}>Open {path} on its own page</Link>.
      </p>
    </div>
  );
}
