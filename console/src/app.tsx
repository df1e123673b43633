import { useMemo, useState } from 'react';
import { createClients, type Clients } from './api/clients.ts';
import { clearSession, loadSession, saveSession, type Session } from './api/session.ts';
import { useRoute } from './components/router.ts';
import { SignIn } from './features/signin/sign-in.tsx';
import { SecretsList } from './features/secrets/secrets-list.tsx';
import { SecretDetail } from './features/secrets/secret-detail.tsx';
import { CreateSecret } from './features/secrets/create-secret.tsx';
import { KeysPage } from './features/keys/keys-page.tsx';
import { AuditPage } from './features/audit/audit-page.tsx';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const clients = useMemo<Clients | undefined>(() => (session ? createClients(session) : undefined), [session]);
  const route = useRoute();
  if (!session || !clients) {
    return <SignIn onSignIn={(s) => { saveSession(s); setSession(s); }} />;
  }
  const signOut = () => {
    clearSession();
    setSession(undefined);
    window.location.hash = '';
  };
  const current = route.page === 'secret' || route.page === 'create' ? 'secrets' : route.page;
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Coffer</span>
        <nav aria-label="Main">
          <a href="#/secrets" aria-current={current === 'secrets' ? 'page' : undefined}>Secrets</a>
          <a href="#/keys" aria-current={current === 'keys' ? 'page' : undefined}>Keys</a>
          <a href="#/audit" aria-current={current === 'audit' ? 'page' : undefined}>Audit</a>
        </nav>
        <span className="who" title={session.principal}>
          Signed in as <strong>{session.principal}</strong> · {session.region}
        </span>
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'secrets' && <SecretsList key={route.keyId ?? ''} clients={clients} keyId={route.keyId} />}
        {route.page === 'secret' && <SecretDetail key={route.id} clients={clients} secretId={route.id} />}
        {route.page === 'create' && <CreateSecret clients={clients} />}
        {route.page === 'keys' && <KeysPage clients={clients} />}
        {route.page === 'audit' && <AuditPage clients={clients} />}
      </main>
    </>
  );
}
