#!/usr/bin/env node
// node-tls-peer.mjs — the Node.js (tls module) server or client used by make-extra-captures.sh.
//
//   node node-tls-peer.mjs server --port P [--tls 1.2|1.3] [--ciphers LIST] [--no-etm]
//       one connection on 127.0.0.1:P with requestCert + rejectUnauthorized (Test CA); answers the
//       first data with a small HTTP/1.0 response, then ends the connection and exits.
//   node node-tls-peer.mjs client --port P --keylog FILE [--cert C --key K] [--ca CA]
//       [--tls 1.2|1.3] [--ciphers LIST] [--no-etm]
//       connects to 127.0.0.1:P (SNI localhost), writes every 'keylog' line to FILE, sends
//       "GET /www/hello.txt HTTP/1.0" after the handshake and prints what comes back.
// Paths are relative to the working directory (captures/). --ciphers takes OpenSSL names; TLS 1.3
// suite names (TLS_AES_128_CCM_SHA256, ...) go in the same list, as Node allows.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:crypto';
import tls from 'node:tls';

function parseArgs(argv) {
  const opts = { mode: argv[0], port: 0, tls: '', ciphers: '', noEtm: false, cert: '', key: '', ca: 'pki/test-ca.pem', keylog: '' };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`option ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(next());
    else if (a === '--tls') opts.tls = next();
    else if (a === '--ciphers') opts.ciphers = next();
    else if (a === '--no-etm') opts.noEtm = true;
    else if (a === '--cert') opts.cert = next();
    else if (a === '--key') opts.key = next();
    else if (a === '--ca') opts.ca = next();
    else if (a === '--keylog') opts.keylog = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (opts.mode !== 'server' && opts.mode !== 'client') throw new Error('first argument: server or client');
  if (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) throw new Error('--port needs 1..65535');
  return opts;
}

function commonOptions(opts) {
  const o = { ca: readFileSync(opts.ca) };
  if (opts.tls === '1.2' || opts.tls === '1.3') {
    o.minVersion = `TLSv${opts.tls}`;
    o.maxVersion = `TLSv${opts.tls}`;
  }
  if (opts.ciphers) o.ciphers = opts.ciphers;
  if (opts.noEtm) o.secureOptions = constants.SSL_OP_NO_ENCRYPT_THEN_MAC;
  if (opts.cert) o.cert = readFileSync(opts.cert);
  if (opts.key) o.key = readFileSync(opts.key);
  return o;
}

function runServer(opts) {
  const hello = readFileSync('www/hello.txt');
  const server = tls.createServer({
    ...commonOptions({ ...opts, cert: 'pki/server.pem', key: 'pki/server.key' }),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('tlsClientError', (err, sock) => {
    console.log(`server: tlsClientError ${err.code ?? ''} ${err.message}`);
    sock.destroy();
    server.close();
  });
  server.on('secureConnection', (sock) => {
    const peer = sock.getPeerCertificate();
    console.log(`server: secure connection ${sock.getProtocol()} ${sock.getCipher().standardName}` +
      ` authorized=${sock.authorized} peer=${peer?.subject?.CN ?? '-'}`);
    sock.once('data', (d) => {
      console.log(`server: request ${JSON.stringify(d.toString('latin1'))}`);
      sock.end(Buffer.concat([Buffer.from('HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n'), hello]));
    });
    sock.on('error', (err) => console.log(`server: socket error ${err.code ?? ''} ${err.message}`));
    sock.on('close', () => server.close());
  });
  server.listen(opts.port, '127.0.0.1', () => console.log(`server: listening on 127.0.0.1:${opts.port}`));
}

function runClient(opts) {
  if (!opts.keylog) throw new Error('client needs --keylog FILE');
  writeFileSync(opts.keylog, '');
  const sock = tls.connect({ ...commonOptions(opts), host: '127.0.0.1', port: opts.port, servername: 'localhost' });
  sock.on('keylog', (line) => appendFileSync(opts.keylog, line));
  sock.on('secureConnect', () => {
    console.log(`client: secure connection ${sock.getProtocol()} ${sock.getCipher().standardName}` +
      ` authorized=${sock.authorized}`);
    sock.write('GET /www/hello.txt HTTP/1.0\r\n\r\n');
  });
  sock.on('data', (d) => process.stdout.write(`client: received ${JSON.stringify(d.toString('latin1'))}\n`));
  sock.on('error', (err) => {
    console.log(`client: error ${err.code ?? ''} ${err.message}`);
    process.exitCode = 1;
  });
  sock.on('close', () => console.log('client: closed'));
}

try {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === 'server') runServer(opts);
  else runClient(opts);
} catch (err) {
  console.error(`node-tls-peer: ${err.message}`);
  process.exit(2);
}
