// `shredproof order approve <id> --plan-root HEX --key FILE`: a second person
// approves the exact plan they reviewed, signing it with their own key
// (docs/FORMAT.md section 5.9); and `shredproof order sign-plan`, with which
// the order's creator signs the plan as its performer. The key never leaves
// this machine: only the signature is sent.
import { createHash } from 'node:crypto';
import { type ApprovalRole, canonicalize, type Signer, signApproval } from '@shredproof/verify';
import type { Command } from 'commander';
import type { OrderView, ShredproofClient, SignedApprovalBody } from '../../../client/api-client.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { checkRoot, type Common, common, PLAN_ROOT_HELP, print, run, usage } from './shared.js';

interface SignOptions extends Common {
  planRoot: string;
  key: string;
  passphraseEnv?: string;
}

/** The person's own key of --key (decrypted with --passphrase-env), or a usage error of the command `name` naming the option. */
export async function personalSigner(name: string, opts: { key: string; passphraseEnv?: string }): Promise<Signer> {
  let passphrase: string | undefined;
  if (opts.passphraseEnv !== undefined) {
    passphrase = process.env[opts.passphraseEnv];
    if (!passphrase) throw usage(name, `environment variable ${opts.passphraseEnv} is empty or not set`);
  }
  const { loadSigner } = await import('../../../adapters/keys/pem-keys.js');
  try {
    return await loadSigner(opts.key, passphrase);
  } catch (e) {
    throw usage(name, `--key ${opts.key}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message} (shredproof person keygen makes one)`);
  }
}

/**
 * The signature of this client's person, in `role`, over the order as the
 * server shows it and the plan root the person reviewed. The order document is
 * hashed here (RFC 8785), never taken on the server's word.
 */
async function sign(name: string, client: ShredproofClient, id: string, opts: SignOptions, role: ApprovalRole): Promise<SignedApprovalBody> {
  const signer = await personalSigner(name, opts);
  const [me, order] = await Promise.all([client.whoami(), client.getOrder(id)]);
  const documentSha256 = createHash('sha256').update(canonicalize(order.document)).digest('hex');
  if (documentSha256 !== order.documentSha256) {
    throw new CliExit(EXIT_INVALID, `order ${name}: the server's order document hashes to ${documentSha256}, not to the documentSha256 it states (${order.documentSha256}); not signing`);
  }
  // A plan that changed since the review is the server's to refuse (STALE_PLAN): the signature is over the root reviewed.
  const subject = { orderId: order.id, orderSha256: documentSha256, inventory: { treeSize: order.plan?.objects ?? 0, rootHash: opts.planRoot } };
  const { keyid, signedAt, signature } = signApproval(signer, subject, { role, person: me.name, signedAt: new Date().toISOString() });
  return { keyid, signedAt, signature };
}

function signOptions(cmd: Command, what: string): Command {
  return common(cmd)
    .requiredOption('--plan-root <hex>', PLAN_ROOT_HELP)
    .requiredOption('--key <file>', `your personal key (shredproof person keygen): ${what}`)
    .option('--passphrase-env <VAR>', 'the passphrase of an encrypted --key, in this environment variable');
}

const signedLine = (o: OrderView, role: ApprovalRole) => {
  const s = o.signatures.find((a) => a.role === role);
  return s ? ` with key ${s.keyid}` : '';
};

export function registerApprove(order: Command, ctx: CliContext): void {
  signOptions(order.command('approve <id>'), 'the approval is signed with it, and the certificate carries the signature')
    .description("approve the plan you reviewed, signed with your own key (a second person: never the order's creator)")
    .action((id: string, opts: SignOptions) =>
      run('approve', opts, ctx, async (client) => {
        checkRoot('approve', opts.planRoot);
        const approval = await sign('approve', client, id, opts, 'approver');
        const o = await client.approveOrder(id, opts.planRoot, approval);
        print(ctx, opts, o, () => [`approved ${o.id} by ${o.approval?.by} for plan root ${o.approval?.planRoot}${signedLine(o, 'approver')}`]);
      }),
    );
  signOptions(order.command('sign-plan <id>'), 'the certificate then names you as performer, with your signature')
    .description("sign the plan of your own order as its performer, before it is approved (optional)")
    .action((id: string, opts: SignOptions) =>
      run('sign-plan', opts, ctx, async (client) => {
        checkRoot('sign-plan', opts.planRoot);
        const signature = await sign('sign-plan', client, id, opts, 'performer');
        const o = await client.signPlan(id, opts.planRoot, signature);
        print(ctx, opts, o, () => [`signed the plan ${opts.planRoot} of ${o.id} as performer${signedLine(o, 'performer')}`]);
      }),
    );
}
