// The result of a certified order: the bundle fetched from the API and
// checked here by the offline verifier page's own code (runVerify, the same
// checks `shredproof verify --bundle` makes), the certificate in plain
// language as that page shows it, and the files to take away: the bundle as
// a .tar, the exhibit PDF, and a receipt per data subject.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { VerifyOutcome } from '../../verifier-page/protocol.js';
import { renderStatement } from '../../verifier-page/render-statement.js';
import { runVerify } from '../../verifier-page/verify-job.js';
import { api, can, errorText, type Me } from './api.js';
import { ActionButton, ErrorBox, saveFile } from './common.js';
import { type FetchedBundle, fetchBundle, tar } from './bundle.js';
import { shown } from './format.js';
import type { ConsoleOrder } from './order.js';

const VERDICT = {
  valid: 'Valid',
  unpinned: 'Valid, but the key is not pinned',
  invalid: 'INVALID',
  error: 'Not checked',
} as const;

function Statement({ outcome }: { outcome: Extract<VerifyOutcome, { verdict: 'valid' | 'unpinned' }> }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    el.current?.replaceChildren(renderStatement(outcome.statement, outcome.lists, outcome.facts.approvals, outcome.vendors, outcome.receipt));
  }, [outcome]);
  return <div class="statement" ref={el} />;
}

function Verdict({ outcome }: { outcome: VerifyOutcome }) {
  if (outcome.verdict === 'error') return <ErrorBox error={`Not checked: ${outcome.message}`} />;
  const signer = outcome.facts.signer;
  return (
    <>
      <p class={`verdict verdict-${outcome.verdict}`} role="status">
        Verdict: <strong>{VERDICT[outcome.verdict]}</strong>
        {outcome.verdict === 'invalid' ? ` (${outcome.code}): ${shown(outcome.message)}` : ''}
      </p>
      {outcome.verdict === 'unpinned' ? (
        <p>
          Every file checks out and the certificate is signed by key <code class="mono">{signer?.keyid}</code>. The key and the trust root came from this server, so this check alone cannot tell that the key is the issuer’s: a regulator pins the key id published out of band (the{' '}
          <a href="/verify" target="_blank" rel="noopener">
            offline verifier page
          </a>{' '}
          or <code>shredproof verify --bundle DIR --keyid KEYID</code>).
        </p>
      ) : null}
      <details>
        <summary>Each file checked ({outcome.files.length})</summary>
        <ul>
          {outcome.files.map((f) => (
            <li key={f.file}>
              {shown(f.file)}: {f.status}
              {f.code ? ` (${f.code})` : ''}
              {f.detail ? `: ${shown(f.detail)}` : ''}
            </li>
          ))}
        </ul>
      </details>
      {outcome.verdict !== 'invalid' ? <Statement outcome={outcome} /> : null}
    </>
  );
}

function Receipt({ order }: { order: ConsoleOrder }) {
  const [locators, setLocators] = useState('');
  return (
    <form class="receipt" onSubmit={(e) => e.preventDefault()} aria-label="A receipt for one person">
      <p>
        <label for="receipt-locators">A receipt for one data subject: their objects, one locator per line (target:locator)</label>
      </p>
      <textarea id="receipt-locators" rows={3} value={locators} onInput={(e) => setLocators((e.target as HTMLTextAreaElement).value)} />
      <ActionButton
        label="Download the receipt"
        disabled={!locators.trim()}
        run={async () => {
          const url = new URLSearchParams();
          for (const l of locators.split('\n').map((s) => s.trim()).filter(Boolean)) url.append('locator', l);
          const res = await api().request('GET', `/v1/orders/${encodeURIComponent(order.id)}/receipt?${url.toString()}`);
          saveFile(`receipt-${order.id}.json`, await res.blob());
        }}
      />
    </form>
  );
}

/**
 * Up to this many records, the bundle is fetched and checked as soon as the result is shown; beyond, on request:
 * the whole records file comes over the network and is checked in this tab, which a large order would hold up.
 */
const CHECK_AT_ONCE = 20_000;

export function ResultPanel({ me, order }: { me: Me; order: ConsoleOrder }) {
  const [bundle, setBundle] = useState<FetchedBundle>();
  const [outcome, setOutcome] = useState<VerifyOutcome>();
  const [error, setError] = useState<string>();
  const [wanted, setWanted] = useState((order.certificate?.treeSize ?? 0) <= CHECK_AT_ONCE);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    (async () => {
      const b = await fetchBundle(order.id);
      if (!live) return;
      setBundle(b);
      const { outcome: o } = await runVerify({ type: 'verify', bundle: b.input, pins: {} }, () => undefined);
      if (live) setOutcome(o);
    })().catch((e: unknown) => live && setError(errorText(e)));
    return () => void (live = false);
  }, [order.id, order.certificate?.id, wanted]);
  const id = order.id;
  return (
    <section aria-labelledby="result-title" class="panel">
      <h2 id="result-title">Result</h2>
      <ErrorBox error={error} />
      {bundle?.skipped.length ? (
        <div class="warning" role="alert">
          <h3>Not fetched</h3>
          {bundle.skipped.map((why, i) => (
            <p key={i}>{shown(why)}</p>
          ))}
        </div>
      ) : null}
      {!wanted ? (
        <p>
          <button type="button" class="primary" onClick={() => setWanted(true)}>
            Fetch the bundle and check it here
          </button>{' '}
          <span class="muted">({(order.certificate?.treeSize ?? 0).toLocaleString('en')} records: the whole records file is downloaded and checked in this tab)</span>
        </p>
      ) : outcome ? (
        <Verdict outcome={outcome} />
      ) : error ? null : (
        <p role="status">Fetching the bundle and checking it with the offline verifier’s code…</p>
      )}
      <h3>Downloads</h3>
      <ul class="downloads">
        <li>
          <ActionButton
            label="The certificate bundle (.tar)"
            run={async () => {
              // The bundle that was checked, when it was; else fetched now (a large order's, on request).
              const files = (bundle ?? (await fetchBundle(id))).files;
              saveFile(`${id}-bundle.tar`, tar(`${id}-bundle`, files));
            }}
          />{' '}
          <span class="muted">
            <code>tar -xf</code> it, then <code>shredproof verify --bundle {id}-bundle --keyid KEYID</code>
          </span>
        </li>
        <li>
          <ActionButton
            label="The exhibit (PDF/A-3, the bundle attached)"
            run={async () => saveFile(`${id}-exhibit.pdf`, await (await api().request('GET', `/v1/orders/${encodeURIComponent(id)}/exhibit.pdf`, { accept: 'application/pdf, application/problem+json' })).blob())}
          />
        </li>
        {can.makeReceipts(me) ? (
          <li>
            <Receipt order={order} />
          </li>
        ) : null}
        <li>
          <a href="/verify" target="_blank" rel="noopener">
            The offline verifier page
          </a>{' '}
          <span class="muted">(save it and open it anywhere: it makes no network request)</span>
        </li>
      </ul>
    </section>
  );
}
