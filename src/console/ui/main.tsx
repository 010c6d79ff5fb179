// The console's shell: sign-in, the navigation a role may use, and the
// screen the address names (./router.ts). What a person sees follows their
// token's role; the server enforces the roles, whatever the page shows.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { AdminScreen } from './admin.js';
import { api, can, errorText, isUnauthorized, type Me, session, UNAUTHORIZED_EVENT } from './api.js';
import { AuditScreen } from './audit.js';
import { ErrorBox } from './common.js';
import { NewOrderScreen } from './new-order.js';
import { OrderScreen } from './order.js';
import { OrdersScreen } from './orders.js';
import { type Route, useRoute } from './router.js';

function SignIn({ onSignedIn, reason }: { onSignedIn: (me: Me) => void; reason?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(reason);
  const submit = async (e: Event) => {
    e.preventDefault();
    session.signIn(token.trim());
    try {
      onSignedIn(await api().whoami());
    } catch (err) {
      session.signOut();
      setError(isUnauthorized(err) ? 'The server does not accept this token: it is unknown, revoked or expired.' : errorText(err));
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Sign in to shredproof</h1>
      <p>Paste your API token (<code>sp_…</code>, from <code>shredproof token create</code> or your admin). It is kept in this tab only and forgotten when you sign out or close the tab.</p>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">Sign in</button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}

function Nav({ me, route, onSignOut }: { me: Me; route: Route; onSignOut: () => void }) {
  const link = (hash: string, label: string, screen: Route['screen']) => (
    <li>
      <a href={hash} aria-current={route.screen === screen ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <header class="top">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <span class="brand">shredproof</span>
      <nav aria-label="Main">
        <ul>
          {link('#/orders', 'Orders', 'orders')}
          {can.runOrders(me) ? link('#/new', 'New order', 'new') : null}
          {can.readAudit(me) ? link('#/audit', 'Audit log', 'audit') : null}
          {can.administer(me) ? link('#/admin', 'People, tokens and keys', 'admin') : null}
          <li>
            <a href="/verify" target="_blank" rel="noopener">
              Offline verifier
            </a>
          </li>
        </ul>
      </nav>
      <span class="who">
        {me.name} <span class="badge">{me.role}</span>{' '}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </span>
    </header>
  );
}

function Screen({ me, route }: { me: Me; route: Route }) {
  switch (route.screen) {
    case 'order':
      // Keyed by the order: another order is another screen, with none of this one's state (its key file, its search).
      return <OrderScreen key={route.id} me={me} id={route.id!} />;
    case 'new':
      return <NewOrderScreen me={me} />;
    case 'audit':
      return <AuditScreen me={me} route={route} />;
    case 'admin':
      return <AdminScreen me={me} />;
    default:
      return <OrdersScreen me={me} route={route} />;
  }
}

const TITLES: Record<Route['screen'], string> = { orders: 'Orders', order: 'Order', new: 'New order', audit: 'Audit log', admin: 'People, tokens and keys' };

/** On each new screen: the window's title says where the person is, and focus goes to the content, as a page load would. */
function useScreenChange(route: Route, signedIn: boolean) {
  const first = useRef(true);
  useEffect(() => {
    document.title = `${TITLES[route.screen]}${route.id ? ` ${route.id}` : ''}: shredproof console`;
    if (first.current) return void (first.current = false);
    if (signedIn) document.getElementById('main')?.focus();
  }, [route.screen, route.id, signedIn]);
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(session.token() ? undefined : null);
  const [reason, setReason] = useState<string>();
  const [startError, setStartError] = useState<string>();
  useScreenChange(route, Boolean(me));
  useEffect(() => {
    if (me !== undefined) return;
    api()
      .whoami()
      .then(setMe, (e: unknown) => {
        // Only a token the server refuses signs the person out; a server that does not answer keeps the session.
        if (!isUnauthorized(e)) return setStartError(errorText(e));
        session.signOut();
        setReason('Your token is no longer accepted: sign in again.');
        setMe(null);
      });
  }, [me]);
  useEffect(() => {
    const expired = () => {
      session.signOut();
      setReason('The server no longer accepts your token (revoked or expired): sign in again.');
      setMe(null);
    };
    addEventListener(UNAUTHORIZED_EVENT, expired);
    return () => removeEventListener(UNAUTHORIZED_EVENT, expired);
  }, []);
  if (me === undefined) {
    return startError ? (
      <main id="main">
        <ErrorBox error={startError} />
        <button type="button" onClick={() => (setStartError(undefined), location.reload())}>
          Try again
        </button>
      </main>
    ) : (
      <p role="status">Loading…</p>
    );
  }
  if (me === null) return <SignIn onSignedIn={(m) => (setReason(undefined), setMe(m))} {...(reason ? { reason } : {})} />;
  const signOut = () => {
    session.signOut();
    setReason(undefined);
    setMe(null);
  };
  return (
    <>
      <Nav me={me} route={route} onSignOut={signOut} />
      <main id="main" tabIndex={-1}>
        <Screen me={me} route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
