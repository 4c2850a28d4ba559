// Preloaded by `npm test` (NODE_OPTIONS): worker threads the service starts from its TypeScript
// sources under Jest load them with the same SWC settings Jest uses for the tests.
const { isMainThread } = require('node:worker_threads');

if (!isMainThread) {
  const { readFileSync } = require('node:fs');
  const { resolve } = require('node:path');
  const { transformSync } = require('@swc/core');
  const jest = require(resolve(__dirname, '../../package.json')).jest;
  const options = jest.transform['^.+\\.ts$'][1];
  require.extensions['.ts'] = (module, filename) => {
    const source = readFileSync(filename, 'utf8');
    const { code } = transformSync(source, {
      ...options,
      filename,
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
}
