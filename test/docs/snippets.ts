/**
 * Code blocks of README.md and docs/*.md marked runnable: a fence whose info string has the word
 * `runnable` after the language (```sh runnable), which GitHub still highlights as `sh`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Snippet {
  file: string;
  line: number;
  lang: string;
  code: string;
}

const FENCE = /^(\s*)(`{3,})(\S*)(.*)$/;

export function runnableSnippets(file: string, text: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, ticks, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j].startsWith(`${indent}${ticks}`); j++) body.push(lines[j].slice(indent.length));
    if (/\brunnable\b/.test(rest)) out.push({ file, line: i + 1, lang, code: body.join('\n') });
    i = j;
  }
  return out;
}

/** README.md and every docs/*.md, in that order, with their runnable blocks. */
export function documentedSnippets(root: string): Snippet[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((f) => runnableSnippets(f, readFileSync(join(root, f), 'utf8')));
}
