import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** The repository root: the nearest folder up whose package.json has workspaces. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, 'utf8')).workspaces
    ) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`No workspace root above ${start}`);
    }
  }
}

/** The repository root. */
export const repoRoot = findRepoRoot(process.cwd());

/** Every Markdown file under `dir` (relative to the repository root). */
export function markdownFiles(dir = 'docs'): string[] {
  const walk = (path: string): string[] =>
    readdirSync(path).flatMap(name => {
      const full = join(path, name);
      if (statSync(full).isDirectory()) return walk(full);
      return name.endsWith('.md') ? [full] : [];
    });
  return walk(join(repoRoot, dir)).map(f => relative(repoRoot, f));
}

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  file: string;
  line: number;
  language: string;
  code: string;
}

/** The fenced code blocks of a Markdown file. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { line: number; language: string; body: string[] } | undefined;
  lines.forEach((text, index) => {
    const fence = /^\s*```(\S*)/.exec(text);
    if (fence && !open) {
      open = { line: index + 1, language: fence[1].toLowerCase(), body: [] };
    } else if (fence && open) {
      blocks.push({
        file,
        line: open.line,
        language: open.language,
        code: open.body.join('\n'),
      });
      open = undefined;
    } else if (open) {
      open.body.push(text);
    }
  });
  return blocks;
}

/**
 * Dotted paths of every leaf key declared in a `config.d.ts`, e.g.
 * `environments.engine.intervalSeconds`. Array element keys are joined
 * with `[]`, e.g. `environments.kubernetes.clusters[].url`.
 */
export function configKeys(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(repoRoot, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const keys: string[] = [];
  function visitType(node: ts.TypeNode | undefined, prefix: string) {
    if (!node) return;
    if (ts.isTypeLiteralNode(node)) {
      visitMembers(node.members, prefix);
    } else if (ts.isArrayTypeNode(node)) {
      visitType(node.elementType, `${prefix}[]`);
    } else if (ts.isParenthesizedTypeNode(node)) {
      visitType(node.type, prefix);
    } else if (
      ts.isTypeReferenceNode(node) &&
      node.typeName.getText() === 'Array' &&
      node.typeArguments?.length === 1
    ) {
      visitType(node.typeArguments[0], `${prefix}[]`);
    } else {
      keys.push(prefix);
    }
  }
  function visitMembers(members: ts.NodeArray<ts.TypeElement>, prefix: string) {
    for (const member of members) {
      if (ts.isPropertySignature(member) && member.name) {
        const name = member.name.getText().replace(/^['"]|['"]$/g, '');
        visitType(member.type, prefix ? `${prefix}.${name}` : name);
      }
    }
  }
  source.forEachChild(node => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Config') {
      visitMembers(node.members, '');
    }
  });
  return keys;
}
