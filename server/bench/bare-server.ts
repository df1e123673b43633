// The baseline for the benchmark: a bare node:http server answering a fixed JSON body of a given size.
import { createServer } from 'node:http';

const size = Number(process.argv[2] ?? 300);
const body = JSON.stringify({ pad: 'x'.repeat(Math.max(0, size - 10)) });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
