// `shredproof order create|plan|approve|refuse|execute|status|wait|cancel|fetch|proof`,
// inventory and history to review an order, and attach-vendor-certificate and
// dispose for derived artifacts at vendors:
// the command-line client of the HTTP API (src/client), one file per
// subcommand. It talks to a running `shredproof serve`; the server decides
// every rule, and its refusals are printed with their code and each field
// they name.
//
// Exit codes: 0 done; 1 the server refused (any problem+json other than 401),
// or the order ended other than certified (wait), or its plan failed (plan),
// or the order does not allow the step (dispose --held-by-vendor with no vendor
// certificate attached; a document that does not hash as the server says);
// 2 the request could not be put: bad usage, an unreadable or non-JSON file,
// no token, a server that cannot be reached, or a token it does not accept.
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerApprove } from './approve.js';
import { registerAttachVendor } from './attach-vendor.js';
import { registerCancel } from './cancel.js';
import { registerCreate } from './create.js';
import { registerDispose } from './dispose.js';
import { registerExecute } from './execute.js';
import { registerFetch } from './fetch.js';
import { registerHistory } from './history.js';
import { registerInventory } from './inventory.js';
import { registerPlan } from './plan.js';
import { registerProof } from './proof.js';
import { registerRefuse } from './refuse.js';
import { DEFAULT_SERVER } from './shared.js';
import { registerStatus } from './status.js';
import { registerWait } from './wait.js';

const EXIT_HELP = `
Connection: --server, else SHREDPROOF_SERVER, else ${DEFAULT_SERVER}.
Token: --token-file F, --token T, else SHREDPROOF_TOKEN. A token given with
--token is visible to every user of this machine in \`ps\`: prefer the file
or the variable.

--json prints the API's JSON; inventory, a list of any length, prints each
object as one line of JSON as it arrives (NDJSON).

Exit codes: 0 done; 1 the server refused (its code, detail and each bad field
are printed), the order did not end certified (wait) or its plan failed (plan),
or dispose --held-by-vendor found no vendor certificate attached;
2 usage error, unreadable input, no token, server unreachable, or token not
accepted (401).`;

export function registerOrder(program: Command, ctx: CliContext): void {
  const order = program
    .command('order')
    .description('drive deletion orders through a shredproof server\'s HTTP API (create, plan, approve, refuse, execute, status, inventory, history, wait, cancel, fetch, proof, attach-vendor-certificate, dispose)')
    .addHelpText('after', EXIT_HELP);
  for (const register of [registerCreate, registerPlan, registerApprove, registerRefuse, registerExecute, registerStatus, registerInventory, registerHistory, registerWait, registerCancel, registerFetch, registerProof, registerAttachVendor, registerDispose]) {
    register(order, ctx);
  }
}
