import { resolve } from 'node:path';
import { bundleLambda } from '../constructs/lambda-bundling.ts';

// `tsx infra/cli/lambda-bundle.ts <entry> <output folder> [tsconfig]`: how CDK bundles a function.
// Its bundling hook is synchronous and esbuild's synchronous API takes no plugins, so it runs this.
const [entry, outdir, tsconfig] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: lambda-bundle <entry> <output folder> [tsconfig]');
  process.exit(2);
}
await bundleLambda(resolve(entry), resolve(outdir), tsconfig ? resolve(tsconfig) : undefined);
