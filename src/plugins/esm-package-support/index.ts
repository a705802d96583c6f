/**
 * Lets Docusaurus 3.10 build inside a `"type": "module"` package. Two things break otherwise,
 * both because Node.js and the bundler treat every `.js` file under such a package.json as an
 * ES module:
 *
 * 1. The files Docusaurus generates in `.docusaurus/` call `require.resolveWeak`, which the bundler
 *    does not provide to strict ES modules ("require.resolveWeak is not a function"). They are
 *    parsed here as `javascript/auto`, as Docusaurus expects.
 * 2. The server-side rendering bundle loads its chunks from `build/__server/*.js` with `require`,
 *    and Node.js refuses CommonJS in `.js` files of an ES module package: every page then renders
 *    an error instead of its content. The server chunks get a `.cjs` extension here.
 */
import type { LoadContext, Plugin } from '@docusaurus/types';

export default function esmPackageSupportPlugin(context: LoadContext): Plugin {
  return {
    name: 'esm-package-support',
    configureWebpack(_config, isServer) {
      return {
        module: {
          rules: [{ test: /\.js$/i, include: [context.generatedFilesDir], type: 'javascript/auto' }],
        },
        ...(isServer ? { output: { chunkFilename: '[name].[contenthash:8].server.cjs' } } : {}),
      };
    },
  };
}
