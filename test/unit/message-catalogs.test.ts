// The pages' message catalogs against the code that uses them, read from the source (no browser):
// both catalogs have the same keys with the same arguments, every key the code names exists and
// every key exists because the code names it, and no text a person sees is written into a page
// instead of a catalog (JSX text, the labels and placeholders of JSX elements, text the player's
// DOM-built parts set on elements and controls, the static HTML of the page shells).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { IntlMessageFormat } from 'intl-messageformat';
import { catalogs, type MessageKey } from '../../player/src/i18n/messages/catalogs.ts';
import { locales } from '../../player/src/i18n/locales.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const keys = Object.keys(catalogs.en) as MessageKey[];

/** Files under `dir` whose names end with one of `endings`. */
function filesUnder(dir: string, endings: readonly string[]): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && endings.some((ending) => entry.name.endsWith(ending)))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join('player', 'src', 'i18n', 'messages')}`));
}

const codeFiles = [...filesUnder('player/src', ['.ts', '.tsx']), ...filesUnder('services/web', ['.ts'])];
const shellFiles = filesUnder('player/pages', ['.html']);
const sources = new Map([...codeFiles, ...shellFiles].map((path) => [relative(root, path), readFileSync(path, 'utf8')]));

/** Each argument of an ICU message, with its kind and, for select and plural, its options. */
function argumentsOf(message: string, locale: string): string[] {
  const found: string[] = [];
  const walk = (elements: ReturnType<IntlMessageFormat['getAst']>) => {
    for (const element of elements) {
      if ('value' in element && typeof element.value === 'string' && element.type !== 0) {
        const options = 'options' in element ? Object.keys(element.options).filter((option) => option !== 'other').sort() : [];
        // A plural is a number to a language without plural forms (Chinese): both are numbers here.
        const kind = element.type === 6 ? 2 : element.type;
        found.push(`${element.value}:${kind}${options.length > 0 && element.type === 5 ? `[${options.join(',')}]` : ''}`);
      }
      if ('options' in element) for (const option of Object.values(element.options)) walk(option.value);
      if ('children' in element) walk(element.children);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst());
  return [...new Set(found)].sort();
}

test('both catalogs have the same keys, and every message parses with the same arguments in both', () => {
  for (const locale of locales) assert.deepEqual(Object.keys(catalogs[locale]).sort(), [...keys].sort(), `${locale} has the keys en has`);
  for (const key of keys) {
    const english = argumentsOf(catalogs.en[key], 'en');
    for (const locale of locales) {
      assert.ok(catalogs[locale][key].trim() !== '', `${locale} ${key} is not empty`);
      assert.deepEqual(argumentsOf(catalogs[locale][key], locale), english, `${locale} ${key} takes the arguments en takes`);
    }
  }
});

test('every message the code asks for is in the catalogs, and every catalog key is used', () => {
  const asked = new Set<string>();
  for (const [path, text] of sources) {
    for (const match of text.matchAll(/\bt\(\s*'([^']+)'/g)) {
      asked.add(match[1]!);
      assert.ok(match[1]! in catalogs.en, `${path} asks for "${match[1]}", which no catalog has`);
    }
    for (const match of text.matchAll(/\{\{t:([\w.-]+)\}\}/g)) {
      asked.add(match[1]!);
      assert.ok(match[1]! in catalogs.en, `${path} names {{t:${match[1]}}}, which no catalog has`);
    }
  }
  const everything = [...sources.values()].join('\n');
  // A key may also be named as data (a tab's label, an alarm reason's message): a quoted literal.
  const unused = keys.filter((key) => !asked.has(key) && !everything.includes(`'${key}'`));
  assert.deepEqual(unused, [], 'keys no code uses: use them or remove them from both catalogs');
});

/** JSX attributes whose string values a person reads. */
const readAttributes = new Set(['label', 'title', 'placeholder', 'aria-label', 'alt', 'empty', 'optional', 'summary']);

test('no page writes text a person reads outside the catalogs', () => {
  const written: string[] = [];
  const hasWords = (node: ts.Node | undefined) => node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /\p{L}{2}/u.test(node.text);
  for (const path of codeFiles.filter((file) => file.startsWith(join(root, 'player')))) {
    const text = readFileSync(path, 'utf8');
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      // The DOM-built parts (the player's buttons, the delivery panel): text set on an element or a control.
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /\.(textContent|innerText|title)$/.test(node.left.getText()) && hasWords(node.right)) {
        written.push(`${relative(root, path)}: ${node.getText()}`);
      }
      if (ts.isCallExpression(node) && /\b(controlText|confirm|alert)$/.test(node.expression.getText()) && hasWords(node.arguments[0])) written.push(`${relative(root, path)}: ${node.getText()}`);
      if (ts.isCallExpression(node) && /\bsetAttribute$/.test(node.expression.getText())) {
        const [name, value] = node.arguments;
        if (name && ts.isStringLiteral(name) && readAttributes.has(name.text) && hasWords(value)) written.push(`${relative(root, path)}: ${node.getText()}`);
      }
      if (ts.isPropertyAssignment(node) && node.name.getText() === 'textContent' && hasWords(node.initializer)) written.push(`${relative(root, path)}: ${node.getText()}`);
      if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) written.push(`${relative(root, path)}: "${node.text.trim()}"`);
      if (ts.isJsxAttribute(node) && readAttributes.has(node.name.getText()) && node.initializer && ts.isStringLiteral(node.initializer) && /\p{L}/u.test(node.initializer.text)) {
        written.push(`${relative(root, path)}: ${node.name.getText()}="${node.initializer.text}"`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  for (const path of shellFiles) {
    const visible = readFileSync(path, 'utf8')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/\{\{[^}]+\}\}/g, ' ');
    for (const word of visible.match(/[^\s]*\p{L}[^\s]*/gu) ?? []) written.push(`${relative(root, path)}: "${word}"`);
  }
  assert.deepEqual(written, [], 'put these in both catalogs and use t()');
});
