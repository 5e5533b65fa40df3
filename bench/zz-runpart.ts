import '#local/polyfills';
import { benchSweeperAndShards } from './sweeper-and-shards.ts';
const quick = process.argv.includes('quick');
const r = await benchSweeperAndShards(quick, (l) => process.stderr.write(l + '\n'));
console.log(JSON.stringify(r, null, 1));
process.exit(0);
