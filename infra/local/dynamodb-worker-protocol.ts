/** What the main thread asks the local DynamoDB's worker thread: start a server (on disk under `path`, else in memory), or close one. */
export type ToDynamoWorker = { readonly kind: 'start'; readonly id: number; readonly path?: string } | { readonly kind: 'close'; readonly id: number };

/** What the worker answers, for the server with the same id. */
export type FromDynamoWorker =
  | { readonly kind: 'started'; readonly id: number; readonly endpoint: string }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string }
  | { readonly kind: 'closed'; readonly id: number };
