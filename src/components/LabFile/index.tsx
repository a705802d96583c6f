/**
 * A file from `labs/` (policy XML, KQL query, Bicep template) shown as a highlighted code block,
 * read at build time so the page always shows exactly what the labs apply. For a long Bicep
 * template, `declarations` shows just the named resources, numbered as they are in the file.
 */
import React, { type ReactNode } from 'react';
import CodeBlock from '@theme/CodeBlock';
import Link from '@docusaurus/Link';
import { labFileRoute, labFileText } from '@site/src/data/labFiles.ts';
import { bicepDeclarations } from './bicepDeclarations.ts';
import styles from './styles.module.css';

interface Props {
  /** Path from the repository root, e.g. `labs/policies/openai-api-token-metrics.xml`. */
  path: string;
  /** Lines to highlight, in Docusaurus's `{1,4-6}` notation. */
  highlight?: string;
  /** Bicep only: the symbolic names of the declarations to show instead of the whole file. */
  declarations?: readonly string[];
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = { xml: 'xml', kql: 'kusto', bicep: 'bicep', bicepparam: 'bicep' };

export default function LabFile({ path, highlight, declarations }: Props): ReactNode {
  const text = labFileText(path);
  if (text === undefined) {
    return <p className={styles.missing}>The file {path} is missing from this copy of the course.</p>;
  }
  const extension = path.slice(path.lastIndexOf('.') + 1);
  const language = LANGUAGE_BY_EXTENSION[extension] ?? 'text';
  if (declarations) {
    const excerpts = bicepDeclarations(text, declarations);
    return (
      <div className={styles.labFile}>
        {excerpts.map((excerpt) => {
          const lastLine = excerpt.startLine + excerpt.text.split('\n').length - 1;
          return (
            <CodeBlock key={excerpt.name} language={language} title={`${path}, lines ${excerpt.startLine}–${lastLine}`} showLineNumbers={excerpt.startLine}>
              {excerpt.text}
            </CodeBlock>
          );
        })}
        <p className={styles.caption}>
          Excerpts, numbered as in the file. <Link to={labFileRoute(path)}>Open all of {path}</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className={styles.labFile}>
      <CodeBlock language={language} title={path} metastring={highlight ? `{${highlight}}` : undefined} showLineNumbers>
        {text.replace(/\s+$/, '')}
      </CodeBlock>
      <p className={styles.caption}>
        The labs apply this file as it is. <Link to={labFileRoute(path)}>Open {path} on its own page</Link>.
      </p>
    </div>
  );
}
