/**
 * Site configuration for the course "Control and monitor LLM token consumption with Azure API
 * Management". Instructors hosting the static build elsewhere set SITE_URL and BASE_URL
 * (for example SITE_URL=https://contoso.github.io BASE_URL=/apim-token-course/ npm run build).
 */
import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import { prismLight } from './src/utils/prismLight.ts';
import { prismDark } from './src/utils/prismDark.ts';
import labFiles from './src/plugins/lab-files/index.ts';
import esmPackageSupport from './src/plugins/esm-package-support/index.ts';

/** Base URL the site is served under; always starts and ends with a slash. */
function baseUrlFromEnvironment(): string {
  const raw = process.env.BASE_URL?.trim() || '/';
  const withLeading = raw.startsWith('/') ? raw : `/${raw}`;
  return withLeading.endsWith('/') ? withLeading : `${withLeading}/`;
}

const config: Config = {
  title: 'Token monitoring with Azure API Management',
  tagline: 'Control and monitor LLM token consumption: hands-on labs on Azure or a local sandbox',
  favicon: 'img/favicon.svg',

  future: { v4: true },

  url: process.env.SITE_URL?.trim() || 'http://localhost:3000',
  baseUrl: baseUrlFromEnvironment(),
  trailingSlash: false,

  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {
    mermaid: true,
    hooks: { onBrokenMarkdownLinks: 'throw' },
  },

  i18n: { defaultLocale: 'en', locales: ['en'] },

  presets: [
    [
      'classic',
      {
        docs: {
          routeBasePath: '/',
          sidebarPath: './sidebars.ts',
          showLastUpdateTime: false,
        },
        blog: false,
        theme: { customCss: './src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],

  plugins: [esmPackageSupport, labFiles],

  themes: [
    '@docusaurus/theme-mermaid',
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        docsRouteBasePath: '/',
        indexBlog: false,
        indexPages: false,
        language: ['en'],
        highlightSearchTermsOnTargetPage: true,
        searchResultLimits: 10,
        explicitSearchResultPath: true,
      },
    ],
  ],

  themeConfig: {
    colorMode: { defaultMode: 'light', respectPrefersColorScheme: true },
    metadata: [
      { name: 'description', content: 'A hands-on course: monitor Azure OpenAI token consumption per app and per user with Azure API Management, Application Insights and KQL.' },
    ],
    navbar: {
      title: 'APIM token monitoring',
      logo: { alt: 'Course logo: a gateway with a token meter', src: 'img/logo.svg' },
      items: [
        { type: 'docSidebar', sidebarId: 'course', position: 'left', label: 'Course' },
        { to: '/token-monitoring', label: 'Core lesson', position: 'left' },
        { to: '/sandbox', label: 'Local sandbox', position: 'left' },
      ],
    },
    footer: {
      style: 'dark',
      links: [
        {
          title: 'Course',
          items: [
            { label: 'Welcome', to: '/' },
            { label: 'Core lesson', to: '/token-monitoring' },
            { label: 'For instructors', to: '/instructors' },
          ],
        },
        {
          title: 'Microsoft Learn',
          items: [
            { label: 'Emit token metric policy', href: 'https://learn.microsoft.com/azure/api-management/azure-openai-emit-token-metric-policy' },
            { label: 'APIM with Application Insights', href: 'https://learn.microsoft.com/azure/api-management/api-management-howto-app-insights' },
          ],
        },
      ],
      copyright: 'An open course and lab kit: monitor LLM token consumption with Azure API Management.',
    },
    prism: {
      theme: prismLight,
      darkTheme: prismDark,
      additionalLanguages: ['kusto', 'bicep', 'bash'],
    },
    mermaid: { theme: { light: 'neutral', dark: 'dark' } },
    tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
  } satisfies Preset.ThemeConfig,
};

export default config;
