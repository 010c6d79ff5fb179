// A loopback TCP proxy in front of a real server (PostgreSQL, MariaDB,
// Redis) that can make real transient faults: after failNext(n), the next n
// client writes reset their connection instead of reaching the server.
import { connect, createServer, type Socket } from 'node:net';

export interface FaultyProxy {
  /** `target` with its host and port replaced by the proxy's. */
  url: string;
  port: number;
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function faultyProxy(target: URL, defaultPort: number): Promise<FaultyProxy> {
  let failing = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || defaultPort), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      if (failing > 0) {
        failing--;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    port,
    failNext(n) {
      failing = n;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((res) => server.close(res));
    },
  };
}
