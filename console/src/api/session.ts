// The signed-in credentials live in sessionStorage only (gone when the tab closes, cleared on sign-out);
// nothing else the console handles, above all no secret value, is ever written to any storage.
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** who the credentials belong to, as the API told us at sign-in */
  principal: string;
}

const KEY = 'coffer.session';

export function loadSession(storage: Storage = sessionStorage): Session | undefined {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    return s.accessKeyId && s.secretAccessKey && s.region ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}

export const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
