/**
 * The course in reading order. The policy playground page joins the sidebar when docs/playground.mdx
 * is part of the checkout.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const hasPlayground = existsSync(fileURLToPath(new URL('./docs/playground.mdx', import.meta.url)));

const sidebars: SidebarsConfig = {
  course: [
    'welcome',
    'get-ready',
    'set-up-cloud-resources',
    'token-monitoring',
    ...(hasPlayground ? ['playground'] : []),
    'clean-up',
    'instructors',
    'sandbox',
  ],
};

export default sidebars;
