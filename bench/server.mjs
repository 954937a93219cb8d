// One-process Node target for the benchmark: / answers at once, /slow after a fixed 50 ms.
import http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.url === '/slow') {
    setTimeout(() => res.end('slow'), 50);
    return;
  }
  res.end('hello world');
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
