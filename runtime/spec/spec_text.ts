/**
 * What a spec file must be before it is parsed at all: text, and of a size a spec can have.
 * A 5 MB file took seconds and half a gigabyte to reject, and a binary file printed garbage
 * (issue #12); both are now one sentence at the top of the file.
 */

/** Far above any real spec (a large grid is a few kilobytes), far below what hurts to parse. */
export const MAX_SPEC_BYTES = 1024 * 1024;

const NOT_TEXT = 'this is not a text file; a spec is YAML or JSON text, e.g. a file named experiment.tune.yaml';

/** Why `text` cannot be a spec, or undefined when it may be one. */
export function specTextProblem(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SPEC_BYTES) return sizeMessage(bytes);
  // NUL never appears in YAML; U+FFFD is what an editor shows for bytes that are not UTF-8.
  if (/[\u0000\uFFFD]/.test(text)) return NOT_TEXT;
  return undefined;
}

/** The text of a spec file's bytes, or why they are not a spec's text. */
export function decodeSpecFile(bytes: Buffer): { text: string } | { problem: string } {
  if (bytes.length > MAX_SPEC_BYTES) return { problem: sizeMessage(bytes.length) };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: NOT_TEXT };
  }
}

export function sizeMessage(bytes: number): string {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `the file is ${mb(bytes)}, and a spec is at most ${mb(MAX_SPEC_BYTES)}; check that this is the spec you meant`;
}
