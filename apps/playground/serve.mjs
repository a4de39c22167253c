// Serves the built playground (dist/) on 127.0.0.1 and prints its URL: `node serve.mjs [port]`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

/**
 * Starts a static server for `dir` on 127.0.0.1:`port` (0: any free port), with `mounts` mapping URL
 * prefixes (`/models/`) to further folders, and resolves to it and its URL.
 */
export async function serve(dir, port = 0, mounts = {}) {
  const folders = [
    ...Object.entries(mounts).map(([prefix, folder]) => [prefix, path.resolve(folder)]),
    ['/', path.resolve(dir)],
  ];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const [prefix, root] = folders.find(([p]) => pathname.startsWith(p));
    const file = path.join(root, decodeURIComponent(pathname.slice(prefix.length)));
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = fileURLToPath(new URL('dist/', import.meta.url));
  if (!existsSync(path.join(dist, 'index.html'))) {
    console.error('apps/playground/dist is missing: run `pnpm --filter playground build` first');
    process.exit(1);
  }
  const { url } = await serve(dist, Number(process.argv[2] ?? 5173));
  console.log(
    `bijective playground: ${url}  (example run: ${url}?flow=realnvp&data=moons&steps=300&autostart=1)`,
  );
}
