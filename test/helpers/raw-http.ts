import { connect, type Socket } from 'node:net';

/**
 * Sends bytes as they are (no client library to correct them) and resolves with whatever the
 * server answers before it closes the connection or `waitMs` passes.
 */
export async function rawRequest(port: number, bytes: string | Buffer, waitMs = 2000): Promise<string> {
  return (await rawExchange(port, bytes, waitMs)).answer;
}

/** As rawRequest, also saying whether the server closed the connection (rather than the wait running out). */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 2000): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => done(true));
    socket.on('close', () => done(true));
    socket.write(bytes);
  });
}

/** An answer without its interim 1xx responses (100 Continue before the real one). */
export const finalResponse = (answer: string): string => answer.replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');

/** The final status code of a raw HTTP answer, or 0 when none came. */
export const statusOf = (answer: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(finalResponse(answer))?.[1] ?? 0);

/** The body of the final response. */
export const bodyOf = (answer: string): string => {
  const final = finalResponse(answer);
  return final.slice(final.indexOf('\r\n\r\n') + 4);
};

/** Opens `count` connections that send nothing. */
export async function idleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => resolve());
          socket.on('error', () => resolve());
          sockets.push(socket);
        }),
    ),
  );
  return sockets;
}

/**
 * A slow-body attack: `count` connections from `from` (a loopback address), each sending a beacon's
 * headers declaring 60,000 bytes and then one byte of the body, reconnecting whenever the server
 * closes one, until stop() is called.
 */
export function slowBodies(port: number, count: number, from = '127.0.0.1'): { stop(): void; opened(): number } {
  let stopped = false;
  let opened = 0;
  const sockets = new Set<Socket>();
  const open = () => {
    if (stopped) return;
    opened += 1;
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    sockets.add(socket);
    socket.on('connect', () => socket.write('POST /v1/beacon HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{'));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      setTimeout(open, 10);
    });
  };
  for (let i = 0; i < count; i++) open();
  return {
    stop() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
    },
    opened: () => opened,
  };
}
