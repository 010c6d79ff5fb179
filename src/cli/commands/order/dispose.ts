// `shredproof order dispose <id> --artifact A (--retain TEXT | --held-by-vendor) --key FILE`:
// an approver decides what became of a derived artifact at a vendor, or
// keeps one the plan found here before execution starts, and signs that
// decision with their own key (docs/FORMAT.md section 5.10): kept, for the
// reason given, or held by the vendor, whose attached certificate the
// signature then covers by its digests. The key never
// leaves this machine: only the signature is sent.
import { createHash } from 'node:crypto';
import { canonicalize, type DispositionDecision, signDisposition } from '@shredproof/verify';
import type { Command } from 'commander';
import type { DispositionRequest } from '../../../client/api-client.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { type Common, common, print, run, usage } from './shared.js';
import { personalSigner } from './approve.js';

interface DisposeOptions extends Common {
  artifact: string;
  retain?: string;
  heldByVendor?: boolean;
  key: string;
  passphraseEnv?: string;
}

const loadKey = (opts: DisposeOptions) => personalSigner('dispose', opts);

export function registerDispose(order: Command, ctx: CliContext): void {
  common(order.command('dispose <id>'))
    .description("decide what became of a derived artifact at a vendor, or keep one the plan found here before execution; signed with your own key (an approver; never the order's creator)")
    .requiredOption('--artifact <name>', 'the derived artifact, as the plan lists it (order status shows them)')
    .option('--retain <text>', 'retained-with-justification: it is kept, for this reason (signed as given); for an artifact found here, only before execution starts')
    .option('--held-by-vendor', "held-by-vendor: the vendor destroyed it, as its attached certificate says (order attach-vendor-certificate)")
    .requiredOption('--key <file>', 'your personal key (shredproof person keygen): the decision is signed with it, and the certificate carries the signature')
    .option('--passphrase-env <VAR>', 'the passphrase of an encrypted --key, in this environment variable')
    .action((id: string, opts: DisposeOptions) =>
      run('dispose', opts, ctx, async (client) => {
        if ((opts.retain === undefined) === (opts.heldByVendor !== true)) throw usage('dispose', 'give one of --retain TEXT and --held-by-vendor');
        if (opts.retain !== undefined && !/\S/.test(opts.retain)) throw usage('dispose', '--retain must say why the artifact is kept');
        const signer = await loadKey(opts);
        const [me, o] = await Promise.all([client.whoami(), client.getOrder(id)]);
        // Signed over the document as hashed here (RFC 8785), never on the server's word.
        const orderSha256 = createHash('sha256').update(canonicalize(o.document)).digest('hex');
        if (orderSha256 !== o.documentSha256) {
          throw new CliExit(EXIT_INVALID, `order dispose: the server's order document hashes to ${orderSha256}, not to the documentSha256 it states (${o.documentSha256}); not signing`);
        }
        const decision: DispositionDecision = { orderId: o.id, orderSha256, artifact: opts.artifact, disposition: opts.retain !== undefined ? 'retained-with-justification' : 'held-by-vendor' };
        if (opts.retain !== undefined) decision.justification = opts.retain;
        else {
          const a = o.plan?.derived.find((x) => x.artifact === opts.artifact);
          if (!a) throw new CliExit(EXIT_INVALID, `order dispose: the plan of ${id} reached no derived artifact ${opts.artifact} (order status lists them)`);
          if (!a.vendorCertificate) {
            throw new CliExit(EXIT_INVALID, `order dispose: no vendor certificate is attached for ${opts.artifact}: attach it first (shredproof order attach-vendor-certificate ${id} --artifact ${opts.artifact} --bundle DIR)`);
          }
          decision.vendor = { certificateSha256: a.vendorCertificate.certificateSha256, trustSha256: a.vendorCertificate.trustSha256 };
        }
        const { keyid, signedAt, signature } = signDisposition(signer, decision, { person: me.name, signedAt: new Date().toISOString() });
        const body: DispositionRequest =
          decision.disposition === 'retained-with-justification'
            ? { disposition: decision.disposition, justification: decision.justification!, signature: { keyid, signedAt, signature } }
            : { disposition: 'held-by-vendor', signature: { keyid, signedAt, signature } };
        const after = await client.disposeArtifact(id, opts.artifact, body);
        const a = after.plan?.derived.find((x) => x.artifact === opts.artifact);
        print(ctx, opts, after, () => [
          `${opts.artifact} of ${id}: ${decision.disposition}${a?.vendorCertificate && decision.vendor ? ` (the certificate ${a.vendorCertificate.certificateId} of ${a.vendorCertificate.name})` : ''}, signed by ${me.name} with key ${keyid}`,
          `order ${after.id} is ${after.state}`,
        ]);
      }),
    );
}
