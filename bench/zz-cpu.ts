import '#local/polyfills';
import { readFileSync, readdirSync } from 'node:fs';
import { pausedExecutions } from './latency.ts';
import { HttpClient } from './lib/http-client.ts';
import { APPROVER_HEADERS, countGateCompletions, startBenchApp } from './lib/local.ts';
import { pool } from './lib/stats.ts';

const TICK = 10; // ms per clock tick
function threads(): Map<string, number> {
  const m = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    m.set(`${tid}:${name}`, (Number(f[11]) + Number(f[12])) * TICK);
  }
  return m;
}
const count = Number(process.argv[2] ?? 1000);
const bench = await startBenchApp({ dynamoThread: process.argv[3] as 'worker' | 'main' });
const gates = countGateCompletions(bench.app);
const client = new HttpClient(bench.app.url, 16);
const warm = await pausedExecutions(bench, gates, 200, 'warm');
await pool(200, 16, (i) => client.send('POST', `/approvals/${warm[i].id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}'));
const items = await pausedExecutions(bench, gates, count, 'cpu');
const before = threads();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await pool(count, 16, (i) => client.send('POST', `/approvals/${items[i].id}/respond`, { ...APPROVER_HEADERS, 'content-type': 'application/json' }, '{"decision":"approve"}'));
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const after = threads();
const per: string[] = [];
let main = 0;
for (const [k, v] of after) {
  const d = v - (before.get(k) ?? 0);
  if (k.startsWith(`${process.pid}:`)) main = d;
  if (d > 0) per.push(`${k} ${(d / count).toFixed(2)}`);
}
const total = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify({ mode: process.argv[3], count, wallPerSec: Math.round(count / (wall / 1000)), cpuMsPerDecision: +(total / count).toFixed(2), mainThreadMsPerDecision: +(main / count).toFixed(2), otherMsPerDecision: +((total - main) / count).toFixed(2), idleBoundPerSec: Math.round(Math.min(1000 / (main / count), 2000 / (total / count), 1000 / ((total - main) / count))) }));
console.log(per.join('\n'));
client.close();
await bench.app.close();
