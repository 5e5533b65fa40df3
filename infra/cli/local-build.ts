import { buildLocalStack } from '../local/build.ts';

// `tsx infra/cli/local-build.ts`: the first half of `npm start`, which then runs the bundle with plain node.
await buildLocalStack();
