/**
 * The 404 page: says plainly that the address does not exist and offers the ways back into the
 * course (replaces the classic theme's generic text).
 */
import React, { type ReactNode } from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import Heading from '@theme/Heading';
import type { Props } from '@theme/NotFound/Content';

export default function NotFoundContent({ className }: Props): ReactNode {
  return (
    <main className={clsx('container margin-vert--xl', className)}>
      <div className="row">
        <div className="col col--6 col--offset-3">
          <Heading as="h1" className="hero__title">
            Page not found
          </Heading>
          <p>There is no page at this address. It may have moved when the course was updated, or the link may have a typo.</p>
          <ul>
            <li>
              <Link to="/">Course welcome</Link>: what the course covers and how it is organised.
            </li>
            <li>
              <Link to="/token-monitoring">Control and monitor your token consumption: Part II</Link>: the core lesson.
            </li>
            <li>
              <Link to="/sandbox">The local sandbox</Link>: running the labs without Azure.
            </li>
          </ul>
          <p>The search box at the top of the page searches every lesson, offline.</p>
        </div>
      </div>
    </main>
  );
}
