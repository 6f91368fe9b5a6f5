/**
 * The rendezvous store (the role of PyTorch's TCPStore): a key-value server that rank 0 hosts
 * and every rank's JS and native code reach over TCP. kd.distributed uses it to check that the
 * ranks agree (world size, one process per rank) and to name missing ranks; Gloo uses it,
 * through native/distributed/tcp_store_client.cc, to swap its peers' addresses.
 * Wire format, little-endian, one request at a time per connection:
 *   SET   [1][u32 klen][key][u32 vlen][value]  -> [u8 0]
 *   GET   [2][u32 klen][key]                   -> [u32 vlen][value]   (when the key exists)
 *   ADD   [3][u32 klen][key][f64 delta]        -> [f64 new value]
 *   CHECK [4][u32 klen][key]                   -> [u8 1 if it exists]
 *   WAIT  [5][u32 n]([u32 klen][key])*n        -> [u8 0]              (when all exist)
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

const SET = 1, GET = 2, ADD = 3, CHECK = 4, WAIT = 5;

/** Reads whole frames off a stream of chunks. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): void { this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]); }
  has(n: number): boolean { return this.buf.length >= n; }
  peekU32(at: number): number { return this.buf.readUInt32LE(at); }
  /** The unread bytes, without consuming them. */
  view(): Buffer { return this.buf; }
  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}

type Request = { cmd: number; keys: string[]; value?: Buffer; delta?: number };

/** One complete request at the front of r, or null if more bytes are needed. */
function parse(r: Reader): Request | null {
  if (!r.has(1)) return null;
  const buf = r.view();
  const cmd = buf[0];
  let at = 1;
  const need = (n: number) => buf.length >= at + n;
  const key = (): string | null => {
    if (!need(4)) return null;
    const len = buf.readUInt32LE(at);
    if (!need(4 + len)) return null;
    const k = buf.toString('utf8', at + 4, at + 4 + len);
    at += 4 + len;
    return k;
  };
  let req: Request | null = null;
  if (cmd === SET) {
    const k = key();
    if (k === null || !need(4)) return null;
    const len = buf.readUInt32LE(at);
    if (!need(4 + len)) return null;
    req = { cmd, keys: [k], value: Buffer.from(buf.subarray(at + 4, at + 4 + len)) };
    at += 4 + len;
  } else if (cmd === GET || cmd === CHECK) {
    const k = key();
    if (k === null) return null;
    req = { cmd, keys: [k] };
  } else if (cmd === ADD) {
    const k = key();
    if (k === null || !need(8)) return null;
    req = { cmd, keys: [k], delta: buf.readDoubleLE(at) };
    at += 8;
  } else if (cmd === WAIT) {
    if (!need(4)) return null;
    const n = buf.readUInt32LE(at);
    at += 4;
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = key();
      if (k === null) return null;
      keys.push(k);
    }
    req = { cmd, keys };
  } else {
    throw new Error(`unknown store command ${cmd}`);
  }
  r.take(at);
  return req;
}

function frameKey(k: string): Buffer {
  const b = Buffer.from(k, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
}

/** The server rank 0 runs. */
export class StoreServer {
  private readonly data = new Map<string, Buffer>();
  private readonly waiters: { keys: string[]; done: () => void }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly port: number) {}

  /**
   * Listens on port (0 = any free port) on every interface. Rejects with an Error that names
   * the port when it is in use or not allowed.
   */
  static listen(port: number, host?: string): Promise<StoreServer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? 'it is in use (another job, or a previous run still exiting?); pick another MASTER_PORT'
          : e.code === 'EACCES' ? 'permission denied' : e.message;
        reject(new Error(`the rendezvous store could not listen on port ${port}: ${why}`));
      });
      server.listen({ port, host, exclusive: true }, () => {
        const addr = server.address();
        const s = new StoreServer(server, typeof addr === 'object' && addr ? addr.port : port);
        server.on('connection', (sock) => s.serve(sock));
        server.unref();
        resolve(s);
      });
    });
  }

  private serve(sock: Socket): void {
    sock.setNoDelay(true);
    sock.unref();
    this.sockets.add(sock);
    const reader = new Reader();
    let busy = false;
    const next = (): void => {
      if (busy) return;
      let req: Request | null;
      try {
        req = parse(reader);
      } catch {
        sock.destroy();
        return;
      }
      if (req === null) return;
      busy = true;
      this.handle(req, (reply) => {
        if (!sock.destroyed) sock.write(reply);
        busy = false;
        next();
      });
    };
    sock.on('data', (chunk: Buffer) => { reader.push(chunk); next(); });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.sockets.delete(sock));
  }

  private handle(req: Request, reply: (b: Buffer) => void): void {
    const [k] = req.keys;
    switch (req.cmd) {
      case SET:
        this.data.set(k, req.value!);
        this.wake();
        return reply(Buffer.from([0]));
      case ADD: {
        const v = (this.data.has(k) ? this.data.get(k)!.readDoubleLE(0) : 0) + req.delta!;
        const b = Buffer.alloc(8);
        b.writeDoubleLE(v);
        this.data.set(k, b);
        this.wake();
        return reply(Buffer.from(b));
      }
      case CHECK:
        return reply(Buffer.from([this.data.has(k) ? 1 : 0]));
      case GET:
        return this.whenAll([k], () => {
          const v = this.data.get(k)!;
          const len = Buffer.alloc(4);
          len.writeUInt32LE(v.length);
          reply(Buffer.concat([len, v]));
        });
      default:
        return this.whenAll(req.keys, () => reply(Buffer.from([0])));
    }
  }

  private whenAll(keys: string[], done: () => void): void {
    if (keys.every((k) => this.data.has(k))) done();
    else this.waiters.push({ keys, done });
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w.keys.every((k) => this.data.has(k))) {
        this.waiters.splice(i, 1);
        w.done();
      }
    }
  }

  /** Stops listening and drops every connection. */
  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server.close();
  }
}

/** A JS client: requests are answered in order, one at a time. */
export class StoreClient {
  private readonly reader = new Reader();
  private readonly queue: { parse: (r: Reader) => unknown; resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private closedWith: Error | null = null;

  private constructor(private readonly sock: Socket, readonly where: string) {
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      while (this.queue.length > 0) {
        const v = this.queue[0].parse(this.reader);
        if (v === undefined) break;
        this.queue.shift()!.resolve(v);
      }
      if (this.queue.length === 0) sock.unref();
    });
    const fail = (e: Error) => {
      this.closedWith = e;
      for (const q of this.queue.splice(0)) q.reject(e);
    };
    sock.on('error', (e) => fail(new Error(`the rendezvous store at ${where} failed: ${e.message}`)));
    sock.on('close', () => fail(new Error(`the rendezvous store at ${where} closed the connection (did rank 0 exit?)`)));
    // an idle connection must not keep the process alive; a pending request must
    sock.unref();
  }

  /** Connects, retrying until timeoutMs passes (rank 0 may still be starting). */
  static async connect(host: string, port: number, timeoutMs: number): Promise<StoreClient> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const sock = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host, port }, () => { s.removeAllListeners('error'); resolve(s); });
          s.once('error', reject);
        });
        return new StoreClient(sock, `${host}:${port}`);
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() >= deadline) {
        throw new Error(`could not reach the rendezvous store at ${host}:${port} within ${timeoutMs} ms (${last}); is rank 0 running, and are MASTER_ADDR and MASTER_PORT right?`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private request<T>(bytes: Buffer, parseReply: (r: Reader) => T | undefined): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ parse: parseReply, resolve: resolve as (v: unknown) => void, reject });
      this.sock.ref();
      this.sock.write(bytes);
    });
  }

  set(key: string, value: Buffer | string): Promise<void> {
    const v = typeof value === 'string' ? Buffer.from(value) : value;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(v.length);
    return this.request(Buffer.concat([Buffer.from([SET]), frameKey(key), len, v]), (r) => (r.has(1) ? (r.take(1), null) : undefined)).then(() => undefined);
  }

  get(key: string): Promise<Buffer> {
    return this.request(Buffer.concat([Buffer.from([GET]), frameKey(key)]), (r) => {
      if (!r.has(4)) return undefined;
      const n = r.peekU32(0);
      if (!r.has(4 + n)) return undefined;
      return Buffer.from(r.take(4 + n).subarray(4));
    });
  }

  add(key: string, delta: number): Promise<number> {
    const d = Buffer.alloc(8);
    d.writeDoubleLE(delta);
    return this.request(Buffer.concat([Buffer.from([ADD]), frameKey(key), d]), (r) => (r.has(8) ? r.take(8).readDoubleLE(0) : undefined));
  }

  check(key: string): Promise<boolean> {
    return this.request(Buffer.concat([Buffer.from([CHECK]), frameKey(key)]), (r) => (r.has(1) ? r.take(1)[0] === 1 : undefined));
  }

  close(): void {
    this.sock.destroy();
  }
}
