/**
 * Finds the code blocks the docs check runs: fenced ```ts / ```js blocks of Markdown files and the
 * fenced blocks of `@example` tags in TSDoc comments.
 * @module
 */

/**
 * How a block is checked: run in Node (the default for ts/js), bundled for the browser only
 * (fence `ts browser`), compared with a file of the repository (fence `ts file=PATH`, any language),
 * or skipped (fence `ts no-run`; keep those rare).
 */
export type BlockMode = 'node' | 'browser' | 'file' | 'skip';

/** One code block and where it came from. */
export interface CodeBlock {
  /** Path of the file holding it, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language, lower-cased (`ts`, `js`, `json`, ...). */
  language: string;
  /** What the check does with it, from the fence's info string. */
  mode: BlockMode;
  /** For mode `file`: the repository file (relative to the root) whose content the block must equal. */
  sameAs?: string;
  /** For `@example` blocks: the exported symbol the doc comment belongs to (`fit`, `Flow`, ...). */
  symbol?: string;
  /** The code, dedented. */
  code: string;
}

/** Languages whose blocks run (or bundle), and the esbuild loader of each. */
export const RUNNABLE_LANGUAGES: Readonly<Record<string, 'ts' | 'js'>> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
};

/**
 * The mode of a block from its fence's info string after the language: `file=PATH` on any
 * language, `browser` or `no-run` on ts/js; any other word on a ts/js fence is an error.
 * Returns null for blocks the check ignores (other languages without `file=`).
 */
function modeOf(
  language: string,
  words: readonly string[],
  where: string,
): Pick<CodeBlock, 'mode' | 'sameAs'> | null {
  const file = words.find((w) => w.startsWith('file='));
  if (file !== undefined) return { mode: 'file', sameAs: file.slice('file='.length) };
  if (RUNNABLE_LANGUAGES[language] === undefined) return null;
  if (words.length > 1 || words.some((w) => w !== 'browser' && w !== 'no-run')) {
    throw new Error(
      `${where}: code fence info '${words.join(' ')}' is not one of: (nothing), browser, no-run, file=PATH`,
    );
  }
  if (words[0] === 'browser') return { mode: 'browser' };
  return { mode: words[0] === 'no-run' ? 'skip' : 'node' };
}

/** The number of leading whitespace characters of a line. */
function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * The fenced blocks of Markdown `lines` (numbered from `firstLine`) that the check handles: TypeScript
 * and JavaScript blocks, and blocks of any language marked `file=PATH`. Fences may be indented
 * (inside list items); their contents lose that indentation.
 */
export function fencedBlocks(lines: readonly string[], file: string, firstLine = 1): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const [, indent = '', fence = '', language = '', rest = ''] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.slice(Math.min(indent.length, indentOf(line))));
    }
    if (i >= lines.length) throw new Error(`${file}:${firstLine + start}: code fence never closed`);
    const lang = language.toLowerCase();
    const where = `${file}:${firstLine + start}`;
    const mode = modeOf(
      lang,
      rest.split(/\s+/).filter((w) => w !== ''),
      where,
    );
    if (mode === null) continue;
    blocks.push({ file, line: firstLine + start, language: lang, ...mode, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

/** The code blocks of a Markdown document. */
export function markdownBlocks(text: string, file: string): CodeBlock[] {
  return fencedBlocks(text.split('\n'), file);
}

/** The name a declaration line exports (`export class Flow`, `export async function fit(`), if any. */
function exportedName(line: string): string | undefined {
  return /^\s*export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(
    line,
  )?.[1];
}

/**
 * The fenced blocks inside the `@example` tags of a TypeScript source's doc comments: each tag's
 * text runs to the next block tag or the end of its comment; the leading ` * ` of each line is
 * dropped. Each block names the exported symbol declared right after its comment.
 */
export function exampleBlocks(source: string, file: string): CodeBlock[] {
  const lines = source.split('\n');
  const blocks: CodeBlock[] = [];
  let comment: CodeBlock[] = [];
  let example: { start: number; lines: string[] } | null = null;
  let inComment = false;
  const flush = () => {
    if (example) comment.push(...fencedBlocks(example.lines, file, example.start + 1));
    example = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!inComment) {
      if (/^\s*\/\*\*/.test(line) && !/\*\/\s*$/.test(line)) inComment = true;
      continue;
    }
    const ends = /\*\/\s*$/.test(line);
    const text = line.replace(/\*\/\s*$/, '').replace(/^\s*\* ?/, '');
    if (/^@\w+/.test(text)) {
      flush();
      if (/^@example\b/.test(text)) example = { start: i + 1, lines: [] };
    } else if (example) {
      example.lines.push(text);
    }
    if (ends) {
      flush();
      inComment = false;
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      const symbol = next === undefined ? undefined : exportedName(next);
      blocks.push(...comment.map((b) => (symbol === undefined ? b : { ...b, symbol })));
      comment = [];
    }
  }
  return blocks;
}
