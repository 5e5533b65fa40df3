/** What the main thread gives the local DynamoDB's worker thread: its data folder, if any. */
export interface DynamoWorkerData {
  readonly path?: string;
}

/** What the worker tells the main thread once dynalite listens. */
export interface DynamoWorkerMessage {
  readonly endpoint: string;
}

/** Asks the worker to close once the requests in flight are answered. */
export const CLOSE_DYNAMO_WORKER = 'close';
