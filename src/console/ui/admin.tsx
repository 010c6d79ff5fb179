// For admins: the people registered and their personal keys (registered on
// the server's machine with `shredproof person`; read-only here), the API
// tokens (made and revoked here; a new token's secret is shown once), and
// the certificate signing keys with their windows.
import { useState } from 'preact/hooks';
import type { PublicKeyView } from '../../client/api-client.js';
import { ROLES } from '../../app/ports/access.js';
import { api, can, getJson, type Me, postJson } from './api.js';
import { ActionButton, ErrorBox, Notice, useLoad } from './common.js';
import { shown, when } from './format.js';

interface Person {
  name: string;
  roles: string[];
  createdAt: string;
  removedAt: string | null;
}
interface PersonKey {
  keyid: string;
  person: string;
  signs: string[];
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
}
interface TokenInfo {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function People() {
  const p = useLoad(() => getJson<{ people: Person[]; keys: PersonKey[] }>('/v1/people'), []);
  return (
    <section aria-labelledby="people-title" class="panel">
      <h2 id="people-title">People</h2>
      <p class="muted">Registered on the server’s machine with <code>shredproof person add</code>; the trust root’s approval keys come from here.</p>
      <ErrorBox error={p.error} />
      {p.data ? (
        <table>
          <caption class="sr-only">People and their personal keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Keys</th>
              <th scope="col">Registered</th>
            </tr>
          </thead>
          <tbody>
            {p.data.people.map((x) => (
              <tr key={x.name}>
                <td>
                  {shown(x.name)}
                  {x.removedAt ? <span class="muted"> (removed {when(x.removedAt)})</span> : null}
                </td>
                <td>{x.roles.join(', ')}</td>
                <td class="mono small">
                  {p.data!.keys
                    .filter((k) => k.person === x.name)
                    .map((k) => (
                      <div key={k.keyid}>
                        {k.keyid.slice(0, 16)}… signs as {k.signs.join(', ') || 'nothing'}
                        {k.revokedAt ? `, revoked ${when(k.revokedAt)}` : k.validUntil ? `, until ${when(k.validUntil)}` : ''}
                      </div>
                    ))}
                </td>
                <td>{when(x.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Tokens() {
  const t = useLoad(() => getJson<{ tokens: TokenInfo[] }>('/v1/tokens'), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('auditor');
  const [made, setMade] = useState<{ token: string; info: TokenInfo }>();
  return (
    <section aria-labelledby="tokens-title" class="panel">
      <h2 id="tokens-title">API tokens</h2>
      <form class="filters" aria-label="Make a token" onSubmit={(e) => e.preventDefault()}>
        <label>
          Person <input type="text" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {ROLES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>
        </label>
        <ActionButton
          label="Make a token"
          disabled={!name.trim()}
          run={async () => {
            setMade(await postJson<{ token: string; info: TokenInfo }>('/v1/tokens', { name: name.trim(), role }));
            t.reload();
          }}
        />
      </form>
      {made ? (
        <Notice>
          Token for {shown(made.info.name)} ({made.info.role}): <code class="mono">{made.token}</code>. Give it to them now: it is not shown again.
        </Notice>
      ) : null}
      <ErrorBox error={t.error} />
      {t.data ? (
        <table>
          <caption class="sr-only">Every token, never its secret</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Made</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {t.data.tokens.map((x) => (
              <tr key={x.id}>
                <td class="mono small">{x.id}</td>
                <td>{shown(x.name)}</td>
                <td>{x.role}</td>
                <td>
                  {when(x.createdAt)} by {shown(x.createdBy)}
                </td>
                <td>{when(x.lastUsedAt)}</td>
                <td>
                  {x.revokedAt ? (
                    `revoked ${when(x.revokedAt)}`
                  ) : (
                    <ActionButton label={`Revoke ${x.id}`} kind="danger" run={async () => (await api().request('DELETE', `/v1/tokens/${x.id}`), t.reload())} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Keys() {
  const k = useLoad(() => getJson<{ keys: PublicKeyView[] }>('/v1/keys'), []);
  return (
    <section aria-labelledby="keys-title" class="panel">
      <h2 id="keys-title">Certificate signing keys</h2>
      <p class="muted">Rotated with <code>shredproof key rotate</code> on the server’s machine; every key that ever signed stays listed with its window.</p>
      <ErrorBox error={k.error} />
      {k.data ? (
        <table>
          <caption class="sr-only">Signing keys and their windows</caption>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">Status</th>
              <th scope="col">Valid from</th>
              <th scope="col">Until</th>
            </tr>
          </thead>
          <tbody>
            {k.data.keys.map((x) => (
              <tr key={x.keyid}>
                <td class="mono small">{x.keyid}</td>
                <td>{x.status}</td>
                <td>{when(x.validFrom)}</td>
                <td>{x.revokedAt ? `revoked ${when(x.revokedAt)}${x.revocationReason ? `: ${shown(x.revocationReason)}` : ''}` : when(x.validUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function AdminScreen({ me }: { me: Me }) {
  if (!can.administer(me)) return <p>People, tokens and keys are for admins; you are signed in as {me.role}.</p>;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">People, tokens and keys</h1>
      <People />
      <Tokens />
      <Keys />
    </section>
  );
}
