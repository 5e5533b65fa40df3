import { channelsModule } from './channels-module.ts';
import { flowsModule } from './flows-module.ts';
import { gatesModule } from './gates-module.ts';
import type { LocalModule } from './module.ts';

/** The feature modules the local stack starts, in order. Add one line per feature. */
export const localModules: LocalModule[] = [channelsModule(), flowsModule, gatesModule()];
