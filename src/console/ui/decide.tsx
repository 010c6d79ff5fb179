// The approver's decision on a planned order. Approve: the person's own key
// file is read in this page and signs, with the verifier's code, the same
// approval `shredproof order approve --key` makes (docs/FORMAT.md section
// 5.9) over the order document's SHA-256, computed here from the document
// the server shows, and the plan root on screen; only the signature is
// sent. Refuse: with a reason, which the operator sees on the order.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalize, samePerson, signApproval } from '@shredproof/verify';
import { useState } from 'preact/hooks';
import { api, type Me } from './api.js';
import { ActionButton, ErrorBox } from './common.js';
import { isEncrypted, signerFromKeyFile } from './key-file.js';
import type { ConsoleOrder } from './order.js';

/** The approval of `me` over the order's current plan, signed in this page. */
async function signedApproval(me: Me, order: ConsoleOrder, keyText: string, passphrase: string) {
  const plan = order.plan!;
  const documentSha256 = bytesToHex(sha256(new TextEncoder().encode(canonicalize(order.document))));
  if (documentSha256 !== order.documentSha256) {
    throw new Error(`The server's order document hashes to ${documentSha256}, not to the SHA-256 it states (${order.documentSha256}): not signing.`);
  }
  const signer = await signerFromKeyFile(keyText, passphrase || undefined);
  const registered = me.person?.keys.map((k) => k.keyid) ?? [];
  if (registered.length > 0 && !registered.includes(signer.keyid)) {
    throw new Error(`This key (${signer.keyid.slice(0, 16)}…) is not one registered to ${me.name}: choose your own key file.`);
  }
  const subject = { orderId: order.id, orderSha256: documentSha256, inventory: { treeSize: plan.objects, rootHash: plan.root } };
  const { keyid, signedAt, signature } = signApproval(signer, subject, { role: 'approver', person: me.name, signedAt: new Date().toISOString() });
  return { keyid, signedAt, signature };
}

const MAX_KEY_FILE_BYTES = 64 * 1024;

export function DecidePanel({ me, order, onChange }: { me: Me; order: ConsoleOrder; onChange: () => void }) {
  const [keyText, setKeyText] = useState<string>();
  const [keyName, setKeyName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [reason, setReason] = useState('');
  const plan = order.plan;
  if (!plan) return null;
  // By person, as the server compares ("Alice" and "alice." are alice): the page offers nothing the server would refuse.
  const own = samePerson(order.createdBy, me.name);
  // Over plain http beyond localhost, anyone on the network path could replace this page's code and take the key.
  const secure = globalThis.isSecureContext === true;
  const [keyError, setKeyError] = useState<string>();
  const readKey = async (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    setPassphrase('');
    setKeyError(undefined);
    setKeyText(undefined);
    setKeyName(file?.name ?? '');
    if (!file) return;
    // A key file is a few hundred bytes; anything much larger is not one, and is not read into the page.
    if (file.size > MAX_KEY_FILE_BYTES) return setKeyError(`${file.name} is ${file.size.toLocaleString('en')} bytes: not a key file (shredproof person keygen writes NAME.key.pem, under 1 kB).`);
    setKeyText(await file.text());
  };
  return (
    <section aria-labelledby="decide-title" class="panel decide">
      <h2 id="decide-title">Approve or refuse this plan</h2>
      {own ? <p>You created this order: a second person must approve or refuse it.</p> : null}
      <p id="decide-what">
        You sign plan root <code class="mono">{plan.root}</code> of {plan.objects.toLocaleString('en')} objects, for this order and its document as shown below. The root commits to the exact list of objects; the list, the counts and the holds shown below are the server’s account of it, read from
        the same server. If the plan changes before you sign, the server refuses the approval.
      </p>
      {secure ? null : (
        <div class="warning" role="alert">
          <p>
            This page did not come over https: someone on the network could have changed it to take your key. Do not give it your key file here; sign on your own machine with <code>shredproof order approve {order.id} --plan-root {plan.root} --key NAME.key.pem</code>.
          </p>
        </div>
      )}
      <form class="approve" onSubmit={(e) => e.preventDefault()} aria-label="Approve with your key">
        <p>
          <label for="key-file">Your personal key file (NAME.key.pem)</label>{' '}
          <input id="key-file" type="file" accept=".pem" onChange={readKey} aria-describedby="key-note" disabled={!secure} />
        </p>
        <p id="key-note" class="muted">
          The key is read in this page and never sent: only the signature is.{keyName ? ` Chosen: ${keyName}.` : ''}
        </p>
        <ErrorBox error={keyError} />
        {keyText && isEncrypted(keyText) ? (
          <p>
            <label for="key-pass">Its passphrase</label> <input id="key-pass" type="password" autocomplete="off" value={passphrase} onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)} />
          </p>
        ) : null}
        <ActionButton
          kind="primary"
          label="Approve and sign"
          disabled={!keyText || own || !secure}
          describedBy="decide-what"
          run={async () => {
            const approval = await signedApproval(me, order, keyText!, passphrase);
            await api().approveOrder(order.id, plan.root, approval);
            onChange();
          }}
        />
      </form>
      <form class="refuse" onSubmit={(e) => e.preventDefault()} aria-label="Refuse the plan">
        <p>
          <label for="refuse-reason">Why you refuse it</label>
        </p>
        <textarea id="refuse-reason" rows={3} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
        <ActionButton
          kind="danger"
          label="Refuse the plan"
          disabled={!reason.trim() || own}
          run={async () => {
            await api().refuseOrder(order.id, plan.root, reason.trim());
            onChange();
          }}
        />
      </form>
    </section>
  );
}
