// Project rules that neither the type checker nor dependency-cruiser can see (the import rules,
// cycles included, are in .dependency-cruiser.mjs). Exit 1 with the offending lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield p;
  }
}

const problems = [];
const check = (dir, rules) => {
  for (const f of files(dir)) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may mention anything
      for (const [re, why] of rules) if (re.test(line)) problems.push(`${f}:${i + 1}: ${why}: ${line.trim()}`);
    });
  }
};

// The verifier's core must run in a browser: globals that are not imports, so no import rule sees them.
const CORE = 'packages/verify/src/core';
check(CORE, [
  [/\bBuffer\b/, `no Buffer in ${CORE}`],
  [/Date\.now\(|new Date\(/, `no clock in ${CORE}`],
  [/\bprocess\./, `no process in ${CORE}`],
]);
// CI must not skip tests.
check('test', [[/\b(it|test|describe)\.(skip|only|todo)\(|\{\s*(skip|only|todo)\s*:/, 'no skipped, focused or todo tests']]);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('lint ok');
