/**
 * Writing a file so that readers only ever see the old contents or the complete new ones:
 * the bytes go to a temporary file beside the target, every write is checked (a full disk
 * fails loudly instead of leaving a short file), then fsync and rename replace the target.
 * On any failure the temporary file is removed and the target is left as it was.
 *
 * Temporary names are `<name>.kindling-tmp-<pid>-<thread>-<sequence>`: unique per process,
 * worker thread and call, so concurrent saves to one path never collide, and recognisable,
 * so the next save to a path removes what a killed process left behind.
 */
import { closeSync, constants, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

const TMP_TAG = '.kindling-tmp-';
/** Temporary names of kindling 0.1, `<name>.tmp-<pid>-<base36 time>`, cleaned up the same way. */
const LEGACY_TMP = /^\.tmp-(\d+)-[0-9a-z]+$/;
/** Larger writes are split: one write() call moves at most 2 GiB - 4 KiB on Linux. */
const MAX_WRITE = 1 << 30;

let sequence = 0;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files of `path` left by processes that no longer run (a save killed
 * midway). Files of live processes, this one included, are in use and stay.
 */
export function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(name)) continue;
    const rest = entry.slice(name.length);
    let pid: number | null = null;
    if (rest.startsWith(TMP_TAG)) pid = Number.parseInt(rest.slice(TMP_TAG.length), 10);
    else if (LEGACY_TMP.test(rest)) pid = Number(LEGACY_TMP.exec(rest)![1]);
    if (pid === null || !Number.isSafeInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    rmSync(join(dir, entry), { force: true });
  }
}

/** Writes all of `bytes`, in pieces, or throws (ENOSPC, EIO, ...); never returns short. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const n = writeSync(fd, bytes, done, Math.min(MAX_WRITE, bytes.length - done));
    if (n <= 0) throw Object.assign(new Error('write returned no progress (is the disk full?)'), { code: 'ENOSPC' });
    done += n;
  }
}

/** Makes the rename itself durable; some file systems cannot fsync a directory, which is fine. */
function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // not supported here: the data itself was synced
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * Replaces `path` by the concatenation of `chunks`, atomically. `op` names the caller in
 * errors, which say what failed and that the previous file is unchanged.
 */
export function writeFileAtomic(op: string, path: string, chunks: Iterable<Uint8Array>): void {
  removeStaleTemporaries(path);
  const tmp = `${path}${TMP_TAG}${process.pid}-${threadId}-${sequence++}`;
  let fd = -1;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    for (const c of chunks) writeAll(fd, c);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the temporary file is removed below
      }
    }
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw Object.assign(new Error(`${op}: could not write ${path}: ${err.message}; the previous file, if any, is unchanged`, { cause: e }), {
      code: err.code,
    });
  }
  syncDirectory(dirname(path));
}
