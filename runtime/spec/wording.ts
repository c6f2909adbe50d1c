import type { SpecPath } from './positions';

/** `tune_config.scheduler.type`, `trainer.command[0]`; the root is "the spec". */
export function pathText(path: SpecPath): string {
  if (path.length === 0) return 'the spec';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part)}]`;
    })
    .join('');
}

/** A value as the message quotes it: strings quoted, collections by kind. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

export function typeWords(types: string | readonly string[]): string {
  const list = typeof types === 'string' ? types.split(',') : types;
  return orList(list.map((t) => TYPE_WORDS[t] ?? t));
}

const FILE_ERROR_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory, not a file',
  EEXIST: 'it already exists',
  ELOOP: 'the path goes round a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EIO: 'the disk reported an input/output error',
  EBUSY: 'it is busy',
};

/** A file-system error as words a user can act on, instead of "ENOTDIR: not a directory, mkdir …". */
export function fileErrorWords(error: NodeJS.ErrnoException): string {
  return (error.code && FILE_ERROR_WORDS[error.code]) ?? 'the system refused it';
}

/** Error codes a user fixes by changing a path, a permission or the disk: bad input, not a fault. */
export function isUserFileError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in FILE_ERROR_WORDS && code !== 'EIO' && code !== 'EBUSY';
}
