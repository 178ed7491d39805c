/**
 * janus.js's WebSockets, made here so that this adapter can let go of one: an abandoned reclaim
 * attempt must not report its late close as a new loss of a connection that a later attempt
 * restored.
 */

/** The socket made last (janus.js opens one synchronously inside `reconnect()`). */
let last: DetachableSocket | undefined;

export class DetachableSocket extends WebSocket {
  private readonly added: Array<[string, EventListenerOrEventListenerObject]> = [];

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void {
    this.added.push([type, listener]);
    super.addEventListener(type, listener, options);
  }

  /** Removes every listener and closes the socket. */
  abandon(): void {
    for (const [type, listener] of this.added.splice(0)) super.removeEventListener(type, listener);
    this.close();
  }
}

/** janus.js's `newWebSocket` dependency. */
export function newSocket(server: string, protocol: string): WebSocket {
  return (last = new DetachableSocket(server, protocol));
}

/** The socket made since the last call to this, if any. */
export function takeLastSocket(): DetachableSocket | undefined {
  const socket = last;
  last = undefined;
  return socket;
}
