// Signed checkpoints of the audit log, between certificates (docs/API.md, "The
// audit log"). Now and then the coordinator signs the log's head with its key
// and appends it to DATA_DIR/audit-checkpoints.ndjson, a file apart from the
// ledger: rewriting the log and re-chaining it then contradicts a signature
// that nobody without the key can remake. Each line is
//   {"at":"<RFC 3339>","entries":N,"head":"<hex>","keyid":"<hex>","sig":"<base64>"}
// and the signature is Ed25519 over the UTF-8 bytes of
//   "shredproof audit checkpoint v1\n<entries>\n<head>\n<at>\n".
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifySignature } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';

export const AUDIT_CHECKPOINTS_FILE = 'audit-checkpoints.ndjson';

/** A head of the audit log that the coordinator signed: in a certificate or a checkpoint (audit-anchors.ts collects both). */
export interface AuditAnchor {
  entries: number;
  head: string;
  /** The certificate or checkpoint that carries it. */
  source: string;
}

interface Checkpoint {
  at: string;
  entries: number;
  head: string;
  keyid: string;
  sig: string;
}

const message = (c: Pick<Checkpoint, 'entries' | 'head' | 'at'>) => new TextEncoder().encode(`shredproof audit checkpoint v1\n${c.entries}\n${c.head}\n${c.at}\n`);

/** Signs and appends a checkpoint when the log moved since the last one; returns it, or undefined when nothing moved. */
export function checkpointAudit(deps: Pick<EngineDeps, 'ledger' | 'signer' | 'clock' | 'dataDir'>): Checkpoint | undefined {
  const { entries, head } = deps.ledger.access.auditHead();
  const path = join(deps.dataDir, AUDIT_CHECKPOINTS_FILE);
  const last = readCheckpoints(path).at(-1);
  if (entries === 0 || last?.entries === entries) return undefined;
  const at = deps.clock.now().toISOString();
  const c: Checkpoint = { at, entries, head, keyid: deps.signer.keyid, sig: Buffer.from(deps.signer.sign(message({ entries, head, at }))).toString('base64') };
  appendFileSync(path, JSON.stringify(c) + '\n', { mode: 0o600 });
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return c;
}

function readCheckpoints(path: string): Checkpoint[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Checkpoint];
      } catch {
        return []; // a torn last line after a crash: not an anchor
      }
    });
}

/** The checkpoints whose signature verifies with this coordinator's key, as anchors for AccessStore.verifyChain. */
export function checkpointAnchors(deps: Pick<EngineDeps, 'signer' | 'dataDir'>): AuditAnchor[] {
  return readCheckpoints(join(deps.dataDir, AUDIT_CHECKPOINTS_FILE)).flatMap((c) => {
    const ok =
      Number.isSafeInteger(c.entries) && typeof c.head === 'string' && typeof c.at === 'string' && typeof c.sig === 'string' &&
      verifySignature(new Uint8Array(Buffer.from(c.sig, 'base64')), message(c), deps.signer.publicKey);
    return ok ? [{ entries: c.entries, head: c.head, source: `checkpoint ${c.at}` }] : [];
  });
}
