// docs/ORDERS.md cannot drift from the code: every example order in it is
// accepted by the real parser and the filesystem scope rules, against the
// example backends configuration in the same document; and every field,
// variable, state and rule code the code knows is named in it.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { compileTarget } from '../../src/adapters/storage/filesystem/scope.js';
import { BackendConfigSchema, BackendsFileSchema, parseBackendsConfig } from '../../src/config/backends-config.js';
import { holdsFor } from '../../src/app/create-order.js';
import { ORDER_STATES } from '../../src/app/ports/ledger.js';
import { OrderDocumentSchema, parseOrderDocument } from '../../src/app/order-document.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC_PATH = join(ROOT, 'docs', 'ORDERS.md');
const doc = readFileSync(DOC_PATH, 'utf8');

/** The ```json blocks that directly follow `<!-- marker -->`. */
function marked(marker: string): unknown[] {
  const tag = `<!-- ${marker} -->`;
  const blocks = [...doc.matchAll(new RegExp(`${tag}\\s*\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\`\\n`, 'g'))].map((m) => m[1]!);
  // A marker not followed by a json block would silently drop an example.
  assert.equal(blocks.length, doc.split(tag).length - 1, `every ${tag} must be followed by a \`\`\`json block`);
  return blocks.map((b, i) => {
    try {
      return JSON.parse(b) as unknown;
    } catch (e) {
      throw new Error(`${marker} block ${i + 1} is not JSON: ${(e as Error).message}`);
    }
  });
}

function unwrap(s: z.ZodType): z.ZodType {
  let t = s as unknown as { def: { type: string; innerType?: z.ZodType } };
  while (['default', 'optional', 'prefault', 'nullable'].includes(t.def.type)) t = t.def.innerType as unknown as typeof t;
  return t as unknown as z.ZodType;
}

function mentions(name: string): boolean {
  return doc.includes('`' + name + '`') || doc.includes('`' + name + '[]`');
}

describe('docs/ORDERS.md', () => {
  const [backendsFile, ...extraBackends] = marked('example-backends');
  const examples = marked('example-order');

  it('has one example backends configuration, and it is valid', () => {
    assert.ok(backendsFile, 'no <!-- example-backends --> block');
    assert.equal(extraBackends.length, 0);
    parseBackendsConfig(backendsFile);
  });

  it('has two or more example orders', () => {
    assert.ok(examples.length >= 2, `found ${examples.length} example orders`);
  });

  examples.forEach((example, i) => {
    it(`example order ${i + 1} is accepted by parseOrderDocument and by its backends' scope rules`, () => {
      const backends = parseBackendsConfig(backendsFile);
      const order = parseOrderDocument(example, new Set(Object.keys(backends)));
      for (const t of order.targets) {
        const cfg = backends[t.backend]!;
        assert.equal(cfg.kind, 'filesystem', `example ${i + 1}: a target of kind ${cfg.kind} has no scope check here`);
        compileTarget(t.scope, holdsFor(order, t.backend));
      }
    });
  });

  it('names every field of the order document', () => {
    for (const [key, schema] of Object.entries(OrderDocumentSchema.shape)) {
      assert.ok(mentions(key), `ORDERS.md does not name \`${key}\``);
      const s = unwrap(schema as z.ZodType) as unknown as { def: { type: string; element?: z.ZodType } };
      if (s.def.type !== 'array') continue;
      const element = unwrap(s.def.element!) as unknown as { shape?: Record<string, unknown> };
      for (const inner of Object.keys(element.shape ?? {})) assert.ok(mentions(inner), `ORDERS.md does not name \`${key}[].${inner}\``);
    }
  });

  it('names every field of the backends configuration', () => {
    for (const key of Object.keys(BackendsFileSchema.shape)) assert.ok(mentions(key), key);
    for (const option of BackendConfigSchema.options) {
      for (const key of Object.keys(option.shape)) assert.ok(doc.includes('`backends.<name>.' + key + '`'), `backends.<name>.${key}`);
    }
  });

  it('names every environment variable that loadConfig reads', () => {
    const src = readFileSync(join(ROOT, 'src', 'config', 'config.ts'), 'utf8');
    const block = /const Env = z\.object\(\{([\s\S]*?)\n\}\);/.exec(src);
    assert.ok(block, 'the Env schema was not found in src/config/config.ts');
    const names = [...block[1]!.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
    assert.ok(names.length >= 10, `found only ${names.join(', ')}`);
    for (const n of names) assert.ok(mentions(n), `ORDERS.md does not name the variable ${n}`);
  });

  it('names every order state and every rule code of the engine', () => {
    for (const s of ORDER_STATES) assert.ok(mentions(s), `state ${s}`);
    const codes = new Set<string>();
    const dir = join(ROOT, 'src', 'app');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(join(dir, f), 'utf8');
      // new RuleError('CODE', ...) and new RuleError(cond ? 'A' : 'B', ...)
      for (const m of src.matchAll(/new RuleError\(([^,]*),/g)) for (const c of m[1]!.matchAll(/'([A-Z_]+)'/g)) codes.add(c[1]!);
    }
    assert.ok(codes.has('SELF_APPROVAL') && codes.has('ALREADY_EXECUTED'), `found ${[...codes].join(', ')}`);
    for (const c of codes) assert.ok(mentions(c), `ORDERS.md does not name the rule code ${c}`);
  });
});
