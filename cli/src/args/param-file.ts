// `file://path` (text) and `fileb://path` (raw bytes) parameter values, read as the aws CLI reads them
// (~ and $VAR in the path are expanded). Errors name the flag and the path, never file contents.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ParamError } from '../errors.ts';

export function isParamFile(value: string): boolean {
  return value.startsWith('file://') || value.startsWith('fileb://');
}

/** The file's contents when `value` is a file:// or fileb:// reference, else undefined. */
export function loadParamFile(value: string, flag: string): string | Buffer | undefined {
  const binary = value.startsWith('fileb://');
  if (!binary && !value.startsWith('file://')) return undefined;
  const path = expandPath(value.slice(binary ? 'fileb://'.length : 'file://'.length));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EACCES' ? 'Permission denied' : e.code === 'EISDIR' ? 'Is a directory' : e.message;
    throw new ParamError(flag, `Unable to load paramfile ${value}: ${reason}: '${path}'`);
  }
  if (binary) return bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ParamError(flag, `Unable to load paramfile (${path}), text contents could not be decoded. If this is a binary file, please use the fileb:// prefix instead of the file:// prefix.`);
  }
}

function expandPath(path: string): string {
  const home = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return home.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => process.env[(a ?? b) as string] ?? whole);
}
