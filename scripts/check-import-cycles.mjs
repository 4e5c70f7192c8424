// Fails when modules under source/ import each other in a circle, type-only imports included: a circle of
// types is still two modules that cannot be understood, moved or tested one without the other.
//
//   node scripts/check-import-cycles.mjs [folder]
import {readdirSync, readFileSync, statSync, existsSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';

const root = resolve(process.argv[2] ?? 'source');

function sourceFiles(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// Static imports and re-exports (`import ... from`, `export ... from`, `import '...'`) and dynamic import().
const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const match of text.matchAll(specifiers)) {
    const base = resolve(dirname(file), match[1]);
    const found = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base].find(
      (candidate) => candidate.startsWith(root) && existsSync(candidate),
    );
    if (found) targets.push(found);
  }
  return targets;
}

const files = sourceFiles(root);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

// Tarjan's strongly connected components: every component of more than one module (or a module that
// imports itself) is a circle.
let index = 0;
const indices = new Map();
const lowLinks = new Map();
const stack = [];
const onStack = new Set();
const circles = [];

function connect(file) {
  indices.set(file, index);
  lowLinks.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const target of graph.get(file) ?? []) {
    if (!indices.has(target)) {
      connect(target);
      lowLinks.set(file, Math.min(lowLinks.get(file), lowLinks.get(target)));
    } else if (onStack.has(target)) {
      lowLinks.set(file, Math.min(lowLinks.get(file), indices.get(target)));
    }
  }
  if (lowLinks.get(file) !== indices.get(file)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== file);
  if (component.length > 1 || graph.get(file)?.includes(file)) circles.push(component);
}

for (const file of files) if (!indices.has(file)) connect(file);

/** One path around the circle, from its first module back to it, for the message. */
function pathAround(component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const target of graph.get(file) ?? []) {
      if (target === start) {
        const path = [start];
        for (let step = file; step !== start; step = previous.get(step)) path.splice(1, 0, step);
        return [...path, start];
      }
      if (members.has(target) && !previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

const name = (file) => relative(process.cwd(), file);
if (circles.length === 0) {
  console.log(`no import circles among ${files.length} modules under ${name(root)}`);
} else {
  console.error(`${circles.length} import circle(s) under ${name(root)}:`);
  for (const component of circles) {
    console.error(
      `- ${component.length} modules, e.g. ${pathAround(component).map(name).join(' → ')}`,
    );
    for (const file of [...component].sort()) console.error(`    ${name(file)}`);
  }
  process.exitCode = 1;
}
