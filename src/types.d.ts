/// <reference types="@docusaurus/module-type-aliases" />
/// <reference types="@docusaurus/theme-classic" />

/** Written at build time by src/plugins/lab-files. */
declare module '@generated/lab-files/default/lab-files.json' {
  import type { LabFilesData } from '@site/src/plugins/lab-files/types.ts';
  const data: LabFilesData;
  export default data;
}
