/**
 * Lets Docusaurus build inside a `"type": "module"` package. The bundler treats every `.js` file
 * under such a package.json as strict ES module code, and that includes the files Docusaurus
 * generates in `.docusaurus/` (its route registry calls `require.resolveWeak`, which strict ES
 * modules do not get): the build then fails with "require.resolveWeak is not a function".
 * This plugin parses only those generated files the way Docusaurus expects (`javascript/auto`).
 */
import type { LoadContext, Plugin } from '@docusaurus/types';

export default function generatedModuleTypePlugin(context: LoadContext): Plugin {
  return {
    name: 'generated-module-type',
    configureWebpack() {
      return {
        module: {
          rules: [{ test: /\.js$/i, include: [context.generatedFilesDir], type: 'javascript/auto' }],
        },
      };
    },
  };
}
