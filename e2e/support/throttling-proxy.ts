import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

export interface ThrottlingProxy {
  readonly url: string;
  /** Requests seen: method, path and Range header. */
  readonly requests: { method: string; path: string; range?: string }[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that passes requests to `target` and sends responses back at most
 * `bytesPerSecond`: slow enough for a test to interrupt a download half way.
 */
export async function startThrottlingProxy(target: string, bytesPerSecond: number): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  const requests: ThrottlingProxy['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', range: req.headers.range });
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(throttle(bytesPerSecond)).pipe(res);
    });
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function throttle(bytesPerSecond: number): Transform {
  const piece = 16 * 1024;
  return new Transform({
    async transform(chunk: Buffer, _encoding, callback) {
      for (let at = 0; at < chunk.length; at += piece) {
        const part = chunk.subarray(at, at + piece);
        await new Promise((r) => setTimeout(r, (part.length / bytesPerSecond) * 1000));
        this.push(part);
      }
      callback();
    },
  });
}
