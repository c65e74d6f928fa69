// The hosts' only way out: an HTTP proxy on the bridge address that forwards to Debian's mirrors and
// nothing else, and keeps the files that never change (.deb packages, by-hash indexes) in a cache.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, unlinkSync, createReadStream } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';

export const DEBIAN_MIRRORS = ['deb.debian.org', 'security.debian.org'];

/** A URL as the lab's log shows it: without user:password and without the query, where tokens travel. */
export const loggedUrl = (raw: string | undefined): string =>
  (raw ?? '').replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1').replace(/[?#].*$/, '?…');

export interface ProxyOptions {
  host: string;
  port: number;
  cacheDir: string;
  /** Host names requests may go to. */
  allow?: string[];
  /** Where to connect for an allowed host (tests point it at a local server). */
  upstream?: (hostname: string) => { host: string; port: number };
  log?: (line: string) => void;
}

export interface ProxyStats {
  hits: number;
  misses: number;
  refused: number;
}

/** Whether a path names a file that never changes once published. */
export function cacheable(pathname: string): boolean {
  return pathname.endsWith('.deb') || pathname.endsWith('.udeb') || pathname.includes('/by-hash/');
}

/** Where a URL lives in the cache, or undefined for a path that could escape the folder. */
export function cachePath(cacheDir: string, hostname: string, pathname: string): string | undefined {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  if (parts.some((p) => p === '..' || p === '.' || p.includes('/') || p.includes('\0'))) return undefined;
  return join(cacheDir, hostname, ...parts);
}

function refuse(res: ServerResponse, status: number, why: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`kplay lab proxy: ${why}\n`);
}

export function startProxy(o: ProxyOptions): Promise<{ server: Server; stats: ProxyStats; port: number }> {
  const allow = new Set((o.allow ?? DEBIAN_MIRRORS).map((h) => h.toLowerCase()));
  const upstream = o.upstream ?? ((h: string) => ({ host: h, port: 80 }));
  const log = o.log ?? (() => {});
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const stats: ProxyStats = { hits: 0, misses: 0, refused: 0 };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      stats.refused++;
      return refuse(res, 400, 'only absolute http:// URLs (use me as an HTTP proxy)');
    }
    const hostname = url.hostname.toLowerCase();
    if (url.protocol !== 'http:' || !allow.has(hostname) || (url.port !== '' && url.port !== '80')) {
      stats.refused++;
      log(`refused ${req.method} ${loggedUrl(req.url)}`);
      return refuse(res, 403, `${url.protocol}//${url.host} is not on the allow list (${[...allow].join(', ')})`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      stats.refused++;
      return refuse(res, 405, `method ${req.method} not allowed`);
    }
    const file = cacheable(url.pathname) ? cachePath(o.cacheDir, hostname, url.pathname) : undefined;
    if (file && req.method === 'GET' && existsSync(file)) {
      stats.hits++;
      const size = statSync(file).size;
      res.writeHead(200, {
        'content-length': size,
        'content-type': 'application/octet-stream',
        'x-kplay-cache': 'hit',
      });
      createReadStream(file).pipe(res);
      return;
    }
    stats.misses++;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || /^(proxy-|connection$|keep-alive$|upgrade$|te$|trailer$)/i.test(k)) continue;
      headers[k] = v;
    }
    headers.host = url.host;
    const to = upstream(hostname);
    const up = request(
      { host: to.host, port: to.port, method: req.method, path: url.pathname + url.search, headers, agent },
      (ur) => {
        const status = ur.statusCode ?? 502;
        const outHeaders = { ...ur.headers };
        delete outHeaders.connection;
        delete outHeaders['keep-alive'];
        res.writeHead(status, outHeaders);
        // Upstream cut short: cut the client off too, so apt sees a failed download, not a short file.
        ur.on('close', () => {
          if (!ur.complete) res.destroy();
        });
        if (!file || status !== 200 || req.method !== 'GET') {
          ur.pipe(res);
          return;
        }
        // Stream to the client and into a temporary file; keep it only when complete.
        mkdirSync(dirname(file), { recursive: true });
        const tmp = `${file}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
        const out = createWriteStream(tmp);
        const expected = Number(ur.headers['content-length'] ?? -1);
        let got = 0;
        let failed = false;
        ur.on('data', (c: Buffer) => {
          got += c.length;
          out.write(c);
        });
        ur.pipe(res);
        const drop = () => {
          failed = true;
          out.destroy();
          try {
            unlinkSync(tmp);
          } catch {
            /* not written */
          }
        };
        ur.on('close', () => {
          if (!ur.complete && !failed) drop();
        });
        ur.on('error', drop);
        ur.on('end', () => {
          if (failed) return;
          out.end(() => {
            if (expected >= 0 && got !== expected) return drop();
            try {
              renameSync(tmp, file);
            } catch {
              drop();
            }
          });
        });
      },
    );
    up.on('error', (e) => {
      log(`upstream error for ${loggedUrl(req.url)}: ${e.message}`);
      if (!res.headersSent) refuse(res, 502, `upstream error: ${e.message}`);
      else res.destroy();
    });
    req.pipe(up);
  };

  const server = createServer(handle);
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    stats.refused++;
    log(`refused CONNECT ${req.url}`);
    socket.end(
      'HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n' +
        'kplay lab proxy: CONNECT (https) is not allowed\n',
    );
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      resolve({ server, stats, port: typeof addr === 'object' && addr ? addr.port : o.port });
    });
  });
}
