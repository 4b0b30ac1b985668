/**
 * Port: tells every instance of the app that something happened (a chat's new message, someone
 * typing). Listeners hear what is published after they subscribed, on any instance; what was
 * missed while a connection was down is not replayed, so what matters is read from the store.
 */
export interface Broadcast {
  publish(topic: string, payload: string): Promise<void>;
  /** Calls `listener` with each payload published on `topic`; the returned function unsubscribes. */
  subscribe(topic: string, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}
