/**
 * The page of one lab file (`/labs/...`): its full source, how to run it, and the lab helpers it
 * imports. The lab-files plugin creates one such route per file.
 */
import React, { type ReactNode } from 'react';
import Layout from '@theme/Layout';
import CodeBlock from '@theme/CodeBlock';
import Heading from '@theme/Heading';
import Link from '@docusaurus/Link';
import CommandLine from '@site/src/components/CommandLine';
import type { LabSourcePageData } from '@site/src/plugins/lab-files/types.ts';
import styles from './styles.module.css';

interface Props {
  page: LabSourcePageData;
}

function describe(page: LabSourcePageData): string {
  if (page.step) return `Source of the lab script behind npm run lab:${page.step}.`;
  if (page.path.startsWith('labs/lib/')) return `Source of ${page.path}, shared by the lab scripts.`;
  return `Source of ${page.path}, used by the labs and shown in the lessons.`;
}

export default function LabSourcePage({ page }: Props): ReactNode {
  const description = describe(page);
  return (
    <Layout title={page.path} description={description}>
      <main className={`container margin-vert--lg ${styles.page}`}>
        <Heading as="h1">{page.path}</Heading>
        <p>{description}</p>
        {page.step && <CommandLine command={`npm run lab:${page.step}`} label="lab command" />}
        {page.related.length > 0 && (
          <nav aria-label="Lab helpers this file imports" className={styles.related}>
            <span>Imports: </span>
            {page.related.map((item, index) => (
              <React.Fragment key={item.path}>
                {index > 0 && ', '}
                <Link to={item.route}>{item.path}</Link>
              </React.Fragment>
            ))}
          </nav>
        )}
        <CodeBlock language={page.language} title={page.path} showLineNumbers>
          {page.source.replace(/\s+$/, '')}
        </CodeBlock>
        <p>
          <Link to="/token-monitoring">Back to the core lesson</Link> · <Link to="/">Course welcome</Link>
        </p>
      </main>
    </Layout>
  );
}
