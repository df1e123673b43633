// A fake database for the dialects that cannot run here: it checks passwords at login, records every
// statement with the session's user, and answers through a handler that plays the server's part.
import type { Login, SqlConnection } from '../../src/rotation/functions/templates/dialect.ts';

export interface Statement {
  user: string;
  sql: string;
  params: readonly unknown[];
}

export type Handler = (sql: string, params: readonly unknown[], user: string) => Record<string, unknown>[] | undefined;

export function fakeDatabase(handler: Handler, normalize: (user: string) => string = (u) => u) {
  const passwords = new Map<string, string>();
  const log: Statement[] = [];
  const logins: Login[] = [];
  return {
    passwords: {
      set: (user: string, password: string) => passwords.set(normalize(user), password),
      get: (user: string) => passwords.get(normalize(user)),
      has: (user: string) => passwords.has(normalize(user)),
    },
    log,
    logins,
    connect: async (login: Login): Promise<SqlConnection> => {
      logins.push(login);
      if (passwords.get(normalize(login.username)) !== login.password) throw new Error(`login failed for ${login.username} with password ${login.password}`);
      const user = normalize(login.username);
      return {
        query: async (sql, params = []) => {
          log.push({ user, sql, params });
          const rows = handler(sql, params, user);
          if (!rows) throw new Error(`the fake database does not know: ${sql}`);
          return rows;
        },
        close: async () => {},
      };
    },
  };
}
