// Two of the README's recipes work as written, outside the walkthrough's own
// test (test/docs/readme-api.test.ts, which runs with job control on, as an
// interactive shell would):
// (1) Pasted into a script (bash without job control), the walkthrough's
//     first two blocks and its last one start `shredproof serve` and stop it:
//     the server is gone, after a graceful shutdown, when the script ends.
// (2) The s3rver recipe: its command starts s3rver with the bucket, and an S3
//     backend built from its backends entry and the credentials it exports
//     lists an object put into that bucket. Only the port and the directory
//     are changed, to a free port and a temp directory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/adapters/storage/s3/client.js';
import { s3BackendOptions } from '../../src/adapters/storage/s3/config.js';
import { S3Backend } from '../../src/adapters/storage/s3/s3-backend.js';
import { parseBackendsConfig } from '../../src/config/backends-config.js';
import { alive, sleep } from '../helpers/procs.js';
import { ROOT } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, requireRedis } from '../helpers/services.js';
import { freePort } from '../helpers/redis-server.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function shBlocks(text: string): string[] {
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The fenced block right after `<!-- marker -->`. */
function marked(marker: string, lang: string): string {
  const m = new RegExp(`<!-- ${marker} -->\\s*\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(README);
  assert.ok(m, `README.md has a \`\`\`${lang} block after <!-- ${marker} -->`);
  return m[1]!;
}

const tmp = mkdtempSync(join(tmpdir(), 'sp-readme-recipes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('README: the walkthrough pasted into a script', { timeout: 120_000 }, () => {
  const prefix = freshPrefix();
  after(async () => dropPrefix(prefix).catch(() => undefined));

  it('starts the server and stops it by its process id, without job control', async () => {
    await requireRedis();
    const start = README.indexOf('<!-- api:start -->');
    const blocks = shBlocks(README.slice(start, README.indexOf('<!-- api:end -->')));
    assert.ok(start >= 0 && blocks.length >= 5, `found ${blocks.length} sh blocks`);
    const [setup, serve, stop] = [blocks[0]!, blocks[1]!, blocks.at(-1)!];
    assert.match(serve, /\bserve\b.*&\s*$/m, 'the second block starts the server in the background');
    // No `set -m`: a script has no job control, unlike the shell readme-api.test.ts runs.
    const script = ['set -euo pipefail', setup, serve, stop].join('\n');
    const work = mkdtempSync(join(tmp, 'walk-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), SHREDPROOF_PREFIX: prefix, TMPDIR: work, LOG_LEVEL: 'info' };
    for (const k of ['DATA_DIR', 'SHREDPROOF_KEY', 'SHREDPROOF_BACKENDS', 'SHREDPROOF_SERVER', 'SHREDPROOF_TOKEN', 'SERVER', 'WORK']) delete env[k];
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));

    const dir = readdirSync(work).map((d) => join(work, d)).find((d) => existsSync(join(d, 'serve.log')));
    const log = dir ? readFileSync(join(dir, 'serve.log'), 'utf8') : '';
    const pid = Number(/"pid":(\d+)/.exec(log)?.[1] ?? 0);
    const running = pid > 0 && alive(pid);
    if (running) process.kill(pid, 'SIGKILL'); // the server this test started, left running by the README
    const context = `exit ${code}\n--- output\n${output.slice(-3000)}\n--- serve.log\n${log.slice(-2000)}`;
    assert.equal(code, 0, context);
    assert.ok(pid > 0, `no pid in serve.log\n${context}`);
    assert.ok(!running, `the script ended and shredproof serve (pid ${pid}) still runs: the README's stop block must stop it and wait for it`);
    assert.match(log, /"msg":"shutting down"[\s\S]*"msg":"stopped"/, `serve did not shut down gracefully\n${context}`);
  });
});

describe('README: trying the S3 backend with s3rver', { timeout: 120_000 }, () => {
  it('the command, the exported credentials and the backends entry work together', async () => {
    const command = marked('s3rver:command', 'sh');
    const exported = marked('s3rver:environment', 'sh');
    const backendsJson = marked('s3rver:backends', 'json');
    assert.ok(command.includes('4568') && command.includes('/tmp/s3rver') && backendsJson.includes('4568'), 'the recipe uses port 4568 and /tmp/s3rver');
    const port = String(await freePort());
    const dir = mkdtempSync(join(tmp, 's3rver-'));

    // The command, in a process group of its own (npx stays in between), stopped as a group after.
    const s3rver = spawn('bash', ['-c', `exec ${command.trim().replaceAll('4568', port).replaceAll('/tmp/s3rver', dir)}`], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    s3rver.stdout.on('data', (b: Buffer) => (output += b.toString()));
    s3rver.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<void>((r) => s3rver.on('exit', () => r()));
    try {
      for (let t = 0; t < 300 && !output.includes('S3rver listening'); t++) {
        assert.equal(s3rver.exitCode, null, `s3rver exited: ${output}`);
        await sleep(100);
      }
      assert.match(output, /S3rver listening on 127\.0\.0\.1:\d+/);

      // `export A=x B=y`, as the shell reads it: no quoting in the recipe.
      const line = exported.trim();
      assert.match(line, /^export( [A-Z][A-Z0-9_]*=\S+)+$/);
      const env = Object.fromEntries(line.slice('export '.length).split(' ').map((kv) => kv.split('=', 2) as [string, string]));
      const backends = parseBackendsConfig(JSON.parse(backendsJson.replaceAll('4568', port)));
      const [name, config] = Object.entries(backends)[0]!;
      assert.equal(config.kind, 's3');
      const options = s3BackendOptions(name, config as Extract<typeof config, { kind: 's3' }>, env);

      // An object put with the same settings, then listed by the backend.
      const client = createS3Client({ endpoint: options.endpoint!, forcePathStyle: options.forcePathStyle!, region: options.region!, credentials: options.credentials! });
      await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: 'users/u-1/photo-1.jpg', Body: 'a photo' }));
      client.destroy();
      const backend = new S3Backend(options);
      try {
        const session = await backend.openTarget({ prefixes: ['users/'] }, []);
        const listed: string[] = [];
        for await (const page of session.list()) listed.push(...page.map((o) => o.locator));
        await session.close();
        assert.deepEqual(listed, ['users/u-1/photo-1.jpg#null']);
      } finally {
        await backend.close();
      }
    } finally {
      if (s3rver.exitCode === null) process.kill(-s3rver.pid!, 'SIGTERM');
      await exited;
    }
  });
});
