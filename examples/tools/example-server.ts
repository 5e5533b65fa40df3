/** A small server an example starts on loopback for its tool to call. */
export interface ExampleServer {
  /** The arguments of each call the server received, in order. */
  readonly calls: unknown[];
  readonly port: number;
  close(): Promise<void>;
}
