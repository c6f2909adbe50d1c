/**
 * How a spec is read where the runtime and the editor must agree: a string trainer.command as
 * argv, the default storage_path, the experiment name a file gives. The runtime resolves specs
 * with these (runtime/spec/defaults.ts) and the CodeLenses find results with them
 * (extension/spec_discovery.ts). Plain functions, no node import.
 */

/** run_config.storage_path when neither the spec nor the `tunekit.storagePath` setting gives one. */
export const DEFAULT_STORAGE_PATH = './tunekit_results';

/** `quickstart.tune.yaml` names the experiment `quickstart`. */
export function experimentNameOf(file: string): string {
  const name = (file.split(/[\\/]/).pop() ?? '').replace(/(\.tune)?\.(ya?ml|json)$/i, '');
  return name === '' || name === '.' || name === '..' ? 'experiment' : name;
}

export type SplitCommand = { argv: string[] } | { error: string };

/**
 * Splits one command string into argv the way a POSIX shell would for plain words and
 * quotes; there is no shell, so variables, globs and pipes stay literal text.
 */
export function splitCommandLine(text: string): SplitCommand {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: `has an unclosed ' quote at character ${i + 1}; close it or use a list of arguments` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      const read = readDoubleQuoted(text, i + 1);
      if (read === undefined) return { error: `has an unclosed " quote at character ${i + 1}; close it or use a list of arguments` };
      word += read.text;
      inWord = true;
      i = read.end;
    } else if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i++;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(word);
  return { argv };
}

/** Inside double quotes a backslash escapes only what a shell lets it escape there. */
function readDoubleQuoted(text: string, start: number): { text: string; end: number } | undefined {
  let out = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { text: out, end: i };
    if (c === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) {
      if (text[i + 1] !== '\n') out += text[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return undefined;
}
