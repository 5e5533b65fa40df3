import { createSweeperHandler } from '../handlers/sweeper.ts';
import { awsDeps } from './aws-deps.ts';

export const handler = createSweeperHandler(awsDeps());
