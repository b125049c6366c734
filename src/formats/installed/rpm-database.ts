import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, IoError, ToolError } from '../../errors.js';
import { packagesFromHeaderStream } from '../rpm/parse-header-stream.js';
import type { Package } from '../types.js';

export interface RpmDatabaseOptions {
  /** Root directory of the installed system (rpm --root); default `/`. */
  root?: string;
  /** Database directory inside `root` (rpm --dbpath); default: the first of `dbpathCandidates` found. */
  dbpath?: string;
}

/** Where distributions keep the database: Fedora >= 36 and openSUSE first, then the classic place. */
export const dbpathCandidates = ['/usr/lib/sysimage/rpm', '/var/lib/rpm'] as const;
/** One of these marks a directory as an rpm database: sqlite, ndb, Berkeley DB backends. */
const dbFiles = ['rpmdb.sqlite', 'Packages.db', 'Packages'] as const;
/** Exported headers of a large distribution install are a few hundred MB; beyond this is not a database. */
const MAX_EXPORT_BYTES = 2 ** 30;

/**
 * The installed packages of an rpm-based system, read through `rpmdb --exportdb` (the database
 * formats are rpm's business; its export is plain headers that parseHeader reads). The directory is
 * checked first because rpmdb silently creates an empty database where none exists.
 */
export async function readRpmDatabase(options: RpmDatabaseOptions = {}): Promise<Package[]> {
  const root = options.root ?? '/';
  const dbpath = options.dbpath ?? dbpathCandidates.find((d) => isRpmDatabase(join(root, d)));
  const looked = (dbpath !== undefined ? [dbpath] : dbpathCandidates).map((d) => join(root, d));
  if (dbpath === undefined || !isRpmDatabase(join(root, dbpath))) {
    throw new IoError(`no rpm database in ${looked.join(' or ')}`, {
      file: looked[0] ?? root,
      hint: `a database directory holds one of ${dbFiles.join(', ')}; name it with --dbpath (relative to the root)`,
    });
  }
  const where = join(root, dbpath);
  const label = `rpmdb:${where}`;
  const bytes = await runRpmdbExport(['--root', root, '--dbpath', dbpath, '--exportdb']);
  return packagesFromHeaderStream(bytes, label, label);
}

function isRpmDatabase(dir: string): boolean {
  return dbFiles.some((f) => existsSync(join(dir, f)));
}

/** The one process call: `rpmdb ARGV`, stdout collected up to MAX_EXPORT_BYTES. */
export function runRpmdbExport(argv: string[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('rpmdb', argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let overflow = false;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_EXPORT_BYTES) {
        overflow = true;
        child.kill();
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 65536) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new ToolError('E_TOOL_MISSING', 'rpmdb not found', { hint: 'install rpm (Debian: apt-get install rpm)' }));
      } else {
        reject(new ToolError('E_TOOL_FAILED', `rpmdb could not start: ${err.message}`));
      }
    });
    child.on('close', (code) => {
      if (overflow) {
        reject(new FormatError('E_FORMAT_LIMIT', `rpmdb --exportdb wrote more than ${MAX_EXPORT_BYTES} bytes`));
      } else if (code !== 0) {
        const last = stderr.trim().split('\n').pop() ?? '';
        reject(new ToolError('E_TOOL_FAILED', `rpmdb ${argv.join(' ')} exited with ${code}${last ? `: ${last}` : ''}`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
  });
}
