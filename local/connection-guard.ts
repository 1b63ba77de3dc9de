import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuard {
  readonly open: number;
  readonly evicted: number;
}

/**
 * Bounds open connections. At the bound a new connection first pushes out the connection that has
 * been idle longest (no request in progress: a client that connected and sent nothing, or a
 * keep-alive connection between requests); only when every connection is busy is the new one
 * refused. Without this, about 20,000 idle sockets used up the process's file descriptors and
 * every request, /healthz included, was refused. Busy connections are bounded in time by the
 * server's own request timeout.
 */
export function guardConnections(server: Server, maxConnections: number): ConnectionGuard {
  // Insertion order is "least recently active first": a socket moves to the end when a request on it ends.
  const sockets = new Map<Socket, { busy: number }>();
  let evicted = 0;

  server.on('connection', (socket: Socket) => {
    if (sockets.size >= maxConnections) {
      let freed = false;
      for (const [candidate, state] of sockets) {
        if (state.busy > 0) continue;
        sockets.delete(candidate);
        candidate.destroy();
        evicted += 1;
        freed = true;
        break;
      }
      if (!freed) {
        socket.destroy();
        return;
      }
    }
    sockets.set(socket, { busy: 0 });
    socket.once('close', () => sockets.delete(socket));
  });

  server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    const state = sockets.get(socket);
    if (!state) return;
    state.busy += 1;
    response.once('close', () => {
      state.busy -= 1;
      if (sockets.delete(socket)) sockets.set(socket, state);
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
