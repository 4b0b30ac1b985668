/**
 * Port: tells every instance of the app that something happened (a chat's new message, someone
 * typing, a pilot changed). Listeners hear what is published after they subscribed, on any
 * instance; what was missed while a connection was down is not replayed, so what matters is read
 * from the store, and `onGap` says when something may have been missed.
 */
export interface Broadcast {
  publish(topic: string, payload: string): Promise<void>;
  /** Calls `listener` with each payload published on `topic`; the returned function unsubscribes. */
  subscribe(topic: string, listener: (payload: string) => void): () => void;
  /** Whether this instance hears what is published now (its listening connection is up). */
  listening(): boolean;
  /** Calls `listener`, with the cause, each time this instance stops hearing what is published. */
  onGap(listener: (cause: unknown) => void): () => void;
  close(): Promise<void>;
}
