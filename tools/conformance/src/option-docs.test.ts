// The TSDoc of every registered bijector's options type states the defaults its declaration
// (`defineOptions`) uses: the options are declared once in code, the docs are checked against it.
// Read from the TypeScript sources with the compiler's own API: the options type a name maps to in
// `BijectorOptionsMap`, its properties (inherited ones included) and their doc comments.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getEntry, listRegistered, type OptionSchema } from '@bijective/core';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import '@bijective/autoregressive';
import '@bijective/cnf';
import '@bijective/core';
import '@bijective/coupling';
import '@bijective/glow';
import '@bijective/flow-matching';
import '@bijective/spline';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The packages whose registered bijectors must declare their options with `defineOptions`. */
const FIRST_PARTY = ['core', 'coupling', 'autoregressive', 'spline', 'cnf', 'glow', 'flow-matching'];

/** A name's options type as the sources declare it. */
interface OptionsType {
  /** The package whose `BijectorOptionsMap` declares the name. */
  pkg: string;
  /** Doc comments of the options type itself (the alias and what it names). */
  typeDocs: string[];
  /** Each property's doc comment. */
  properties: Map<string, string>;
}

/** Every name of `BijectorOptionsMap` in the first-party sources, with its options type. */
function optionsTypes(): Map<string, OptionsType> {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const roots = FIRST_PARTY.map((p) => path.join(ROOT, 'packages', p, 'src', 'index.ts'));
  const program = ts.createProgram(roots, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const doc = (symbol: ts.Symbol | undefined) =>
    symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ') : '';
  const found = new Map<string, OptionsType>();
  const visit = (node: ts.Node, pkg: string): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'BijectorOptionsMap') {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type || !member.name) continue;
        const name = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
        const type = checker.getTypeFromTypeNode(member.type);
        const reference = ts.isTypeReferenceNode(member.type)
          ? checker.getSymbolAtLocation(member.type.typeName)
          : undefined;
        const properties = new Map(
          checker.getPropertiesOfType(type).map((p) => [p.getName(), doc(p)] as const),
        );
        found.set(name, { pkg, typeDocs: [doc(reference), doc(type.getSymbol())], properties });
      }
    }
    ts.forEachChild(node, (child) => visit(child, pkg));
  };
  for (const file of program.getSourceFiles()) {
    const pkg = FIRST_PARTY.find((p) =>
      path.resolve(file.fileName).startsWith(path.join(ROOT, 'packages', p, 'src') + path.sep),
    );
    if (pkg && !file.isDeclarationFile) visit(file, pkg);
  }
  return found;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `default <text>` as a whole value: `default 1` does not match `default 12` or `default 1.5`. */
const statesDefault = (text: string) => new RegExp(`\\bdefault ${escape(text)}(?![\\w]|\\.\\d)`);

describe('options TSDoc states the declared defaults', () => {
  const types = optionsTypes();
  const names = listRegistered('bijector').map((l) => l.name);

  test('every first-party bijector has an options type and a declaration', () => {
    expect(types.size).toBeGreaterThanOrEqual(26);
    for (const name of types.keys()) {
      expect(names, `'${name}' is declared but not registered`).toContain(name);
      const schema = getEntry('bijector', name).schema;
      expect(schema, `'${name}' is registered without its options' declaration`).toBeDefined();
      expect((schema as OptionSchema).owner).toBe(name);
    }
  });

  for (const name of names) {
    const schema = getEntry('bijector', name).schema;
    const type = types.get(name);
    if (!schema || !type) continue;
    test(`${name}: keys and defaults`, () => {
      expect([...type.properties.keys()].sort(), 'options type keys vs declared keys').toEqual(
        [...schema.keys].sort(),
      );
      for (const typeDoc of type.typeDocs) {
        expect(typeDoc, 'defaults belong on the properties, where they are checked').not.toMatch(
          /\bdefaults?\b/i,
        );
      }
      for (const key of schema.keys) {
        const text = schema.fields[key]?.defaultText;
        const doc = type.properties.get(key) ?? '';
        if (text === undefined) {
          expect(doc, `${name}.${key} has no fixed default`).not.toMatch(/\bdefault\b/i);
        } else {
          expect(doc, `${name}.${key} must state "default ${text}"`).toMatch(statesDefault(text));
        }
      }
    });
  }
});
