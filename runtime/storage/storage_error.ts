/** A storage failure in one sentence, keeping the system error's code (ENOSPC, ENOENT…). */
export class StorageError extends Error {
  readonly code: string | undefined;

  constructor(message: string, readonly path: string, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${describe(cause)}`, { cause });
    this.name = 'StorageError';
    this.code = codeOf(cause);
  }
}

export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
