import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuard {
  readonly open: number;
  readonly evicted: number;
}

export interface ConnectionLimits {
  /** Open connections at most. */
  maxConnections: number;
  /** Connections one remote address may hold before, at the bound, its own are the ones pushed out. */
  maxPerPeer: number;
}

interface SocketState {
  peer: string;
  /** Requests in progress on this socket. */
  busy: number;
  /** A request whose body has not fully arrived: the connection a slow-body client holds. */
  reading: boolean;
}

/**
 * Bounds open connections. At the bound a new connection pushes out one that holds a place
 * without using it: still waiting for the rest of its request body (a slow-body client), or idle
 * (no request in progress: a client that connected and sent nothing, or a keep-alive between
 * requests); a remote address holding more than its share gives up its own first, so one client
 * cannot push everyone else out. Only when every connection is running a handler is the new one
 * refused. Below the bound nobody is pushed out. Without the idle rule about 20,000 idle sockets
 * used up the process's file descriptors; without the waiting-body rule 4,096 sockets each sending
 * one byte of a body failed most /healthz probes.
 */
export function guardConnections(server: Server, limits: ConnectionLimits): ConnectionGuard {
  // Insertion order is "least recently active first": a socket moves to the end when a request on it ends.
  const sockets = new Map<Socket, SocketState>();
  const perPeer = new Map<string, number>();
  let evicted = 0;

  /**
   * Pushes out, among the connections `among` picks, the least recently active one still waiting
   * for its request body, else the least recently active idle one. Waiting bodies go first: a
   * client that has just connected is idle until its request arrives, and must not be pushed out
   * by a crowd of trickling bodies.
   */
  const evictOne = (among: (state: SocketState) => boolean): boolean => {
    for (const pick of [(s: SocketState) => s.reading, (s: SocketState) => s.busy === 0]) {
      for (const [candidate, state] of sockets) {
        if (!among(state) || !pick(state)) continue;
        forget(candidate);
        candidate.destroy();
        evicted += 1;
        return true;
      }
    }
    return false;
  };
  const forget = (socket: Socket) => {
    const state = sockets.get(socket);
    if (!state) return;
    sockets.delete(socket);
    const left = (perPeer.get(state.peer) ?? 1) - 1;
    if (left > 0) perPeer.set(state.peer, left);
    else perPeer.delete(state.peer);
  };

  /** The remote address holding the most connections, when it holds more than its share. */
  const hog = (): string | undefined => {
    let [top, most] = [undefined as string | undefined, limits.maxPerPeer];
    for (const [peer, count] of perPeer) if (count > most) [top, most] = [peer, count];
    return top;
  };

  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? 'unknown';
    if (sockets.size >= limits.maxConnections) {
      // At the bound: a peer over its share gives up a place of its own first, so one client
      // cannot push everyone else out; below the bound nobody is pushed out at all.
      const over = hog();
      const room = (over !== undefined && evictOne((s) => s.peer === over)) || evictOne(() => true);
      if (!room) {
        socket.destroy();
        return;
      }
    }
    sockets.set(socket, { peer, busy: 0, reading: false });
    perPeer.set(peer, (perPeer.get(peer) ?? 0) + 1);
    socket.once('close', () => forget(socket));
  });

  server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    const state = sockets.get(socket);
    if (!state) return;
    state.busy += 1;
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    state.reading = hasBody && !request.complete;
    // An 'end' listener does not start the body flowing: the handler still reads it.
    request.once('end', () => (state.reading = false));
    response.once('close', () => {
      state.busy -= 1;
      state.reading = false;
      if (sockets.has(socket)) {
        sockets.delete(socket);
        sockets.set(socket, state);
      }
    });
  });

  return {
    get open() {
      return sockets.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
