// An entry for the local build's test: modules that find files relative to their own source file.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DIRECTORY_FILE } from '#local/channels-module';
import { loadDefinition } from '#statemachines/definitions';

console.log(JSON.stringify({ startAt: loadDefinition('approval-gate').StartAt, directoryFound: existsSync(DEFAULT_DIRECTORY_FILE), entry: fileURLToPath(import.meta.url) }));
