// The layering checker: reads every import of a source tree (TypeScript's own parser, so multi-line, type-only
// and dynamic imports are all seen) and reports what breaks the rules: a folder importing one it may not, a domain
// reaching into another past its service module, a folder or root file without a rule, and import cycles between
// folders (and between domains). One function, run by the test on server/src and on a fixture tree that breaks
// each rule once, so the test is shown to fail.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface LayerRules {
  /** what each top-level folder may import besides itself (folder names, or root group names) */
  folders: Readonly<Record<string, readonly string[]>>;
  /** the files directly under the source root, in groups, and what each group may import ('*': anything) */
  rootGroups: Readonly<Record<string, { files: readonly string[]; imports: readonly string[] | '*' }>>;
  /** domain folders and their service module: the only file of a domain that another domain may import */
  domains: Readonly<Record<string, string>>;
  /** modules whose types (`import type`) the matching files may import although their folder's rule does not allow it */
  typePorts: ReadonlyArray<{ module: string; importers: RegExp }>;
}

export interface Import {
  /** paths relative to the source root, with / */
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Every violation in the tree under `root`, sorted; [] when the tree keeps the rules. */
export function checkLayers(root: string, rules: LayerRules): string[] {
  const imports = readImports(root);
  const violations = new Set<string>();
  for (const file of sourceFiles(root).map((f) => toPosix(relative(root, f)))) {
    if (layerOf(file, rules) === undefined) violations.add(file.includes('/') ? `${file}: no rule for folder ${file.split('/')[0]}/` : `${file}: no rule for root file ${file}`);
  }
  for (const i of imports) {
    const problem = importProblem(i, rules);
    if (problem) violations.add(`${i.from} imports ${i.to}: ${problem}`);
  }
  for (const cycle of cycles(imports, rules)) violations.add(`import cycle: ${cycle.join(' > ')}`);
  return [...violations].sort();
}

/** Why an import breaks a rule, or undefined. */
function importProblem(i: Import, rules: LayerRules): string | undefined {
  if (i.to.startsWith('../')) return 'outside the source tree';
  const [from, to] = [layerOf(i.from, rules), layerOf(i.to, rules)];
  if (from === undefined || to === undefined) return undefined; // reported once per file
  const allowed = allowedImports(from, rules);
  const port = i.typeOnly && rules.typePorts.some((p) => p.module === i.to && p.importers.test(i.from));
  if (from !== to && allowed !== '*' && !allowed.includes(to) && !port) {
    return allowed.length === 0 ? `${from} may import nothing of ours` : `${from} may import only ${allowed.join(', ')}`;
  }
  const [fromDomain, toDomain] = [domainOf(i.from, rules), domainOf(i.to, rules)];
  if (allowed !== '*' && toDomain !== undefined && fromDomain !== toDomain && i.to !== `${toDomain}/${rules.domains[toDomain]}`) {
    return `another domain only through its service module, ${toDomain}/${rules.domains[toDomain]}`;
  }
  return undefined;
}

function allowedImports(layer: string, rules: LayerRules): readonly string[] | '*' {
  return rules.folders[layer] ?? rules.rootGroups[layer].imports;
}

/** The top-level folder of a path, or the root group of a file directly under the root; undefined without a rule. */
function layerOf(path: string, rules: LayerRules): string | undefined {
  const slash = path.indexOf('/');
  if (slash >= 0) {
    const folder = path.slice(0, slash);
    return folder in rules.folders ? folder : undefined;
  }
  return Object.keys(rules.rootGroups).find((group) => rules.rootGroups[group].files.includes(path));
}

function domainOf(path: string, rules: LayerRules): string | undefined {
  return Object.keys(rules.domains).find((domain) => path.startsWith(`${domain}/`));
}

/**
 * Cycles between the nodes of the import graph (a domain, else a top-level folder or root group), each as a path
 * from its first node back to it: one per strongly connected component of more than one node (Tarjan's algorithm).
 */
function cycles(imports: readonly Import[], rules: LayerRules): string[][] {
  const nodeOf = (path: string) => domainOf(path, rules) ?? layerOf(path, rules);
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const [a, b] = [nodeOf(i.from), nodeOf(i.to)];
    if (a === undefined || b === undefined || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  const next = (node: string) => [...(edges.get(node) ?? [])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const to of next(node)) {
      if (!index.has(to)) visit(to);
      if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, low.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = stack.splice(stack.indexOf(node));
    if (component.length > 1) found.push(cyclePath(component.sort(), next));
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** A path inside a strongly connected component from its first node back to it (breadth first: the shortest). */
function cyclePath(component: string[], next: (node: string) => string[]): string[] {
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of next(node).filter((n) => component.includes(n))) {
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [...component, start];
}

/** Every relative import and re-export of the .ts files under `root` (tests excluded: they may reach anywhere). */
export function readImports(root: string): Import[] {
  const found: Import[] = [];
  for (const file of sourceFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
      found.push({ from: toPosix(relative(root, file)), to: toPosix(relative(root, resolve(dirname(file), specifier.text))), typeOnly });
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly === true);
      else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
