/**
 * The course in reading order: one sidebar, the lessons first, then the pages for instructors and
 * for the local sandbox.
 */
import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  course: [
    'welcome',
    'get-ready',
    'set-up-cloud-resources',
    'token-monitoring',
    'playground',
    'clean-up',
    'instructors',
    'sandbox',
  ],
};

export default sidebars;
