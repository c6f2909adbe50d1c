/**
 * BENCHMARKS.md is written by two commands: `npm run bench` renders every benchmark, and
 * `npm run soak` its own section. Each replaces only what it measured.
 */

export interface Section {
  title: string;
  /** From its `## ` heading up to the next one. */
  text: string;
}

export function splitSections(text: string): { head: string; sections: Section[] } {
  const parts = text.split(/^(?=## )/m);
  const head = parts[0].startsWith('## ') ? '' : parts.shift()!;
  const sections = parts.map((part) => ({ title: part.slice(3, part.indexOf('\n') === -1 ? undefined : part.indexOf('\n')).trim(), text: part }));
  return { head, sections };
}

function ending(text: string): string {
  return text.endsWith('\n\n') || text === '' ? text : text.endsWith('\n') ? `${text}\n` : `${text}\n\n`;
}

function join(head: string, sections: Section[]): string {
  const parts = [head, ...sections.map((s) => s.text)];
  return parts.map((p, i) => (i < parts.length - 1 ? ending(p) : p.endsWith('\n') ? p : `${p}\n`)).join('');
}

/** `file` with `section` in place of its namesake, or added at the end. */
export function withSection(file: string, section: Section): string {
  const { head, sections } = splitSections(file);
  const at = sections.findIndex((s) => s.title === section.title);
  if (at === -1) sections.push(section);
  else sections[at] = section;
  return join(head, sections);
}

/** `next` plus the sections titled `titles` from `previous` that `next` lacks. */
export function carrySections(previous: string, next: string, titles: readonly string[]): string {
  const have = new Set(splitSections(next).sections.map((s) => s.title));
  return splitSections(previous)
    .sections.filter((s) => titles.includes(s.title) && !have.has(s.title))
    .reduce((text, s) => withSection(text, s), next);
}
