import { connect, type Socket } from 'node:net';

/**
 * Sends bytes as they are (no client library to correct them) and resolves with whatever the
 * server answers before it closes the connection or `waitMs` passes.
 */
export function rawRequest(port: number, bytes: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes);
  });
}

/** The status code of a raw HTTP answer, or 0 when none came. */
export const statusOf = (answer: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);

/** Opens `count` connections that send nothing. */
export async function idleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve());
    socket.on('error', () => resolve());
    sockets.push(socket);
  })));
  return sockets;
}
