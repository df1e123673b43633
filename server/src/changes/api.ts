// GetSecretChanges on the admin API: the change feed (change-feed.ts) for the caller's account and region.
import type { Handler } from '../protocol/pipeline.ts';
import type { ChangeFeed } from './change-feed.ts';

interface ChangesInput {
  After?: number;
  WaitSeconds?: number;
  MaxResults?: number;
}

export function changeFeedHandlers(feed: ChangeFeed, closing: AbortSignal): Record<string, Handler> {
  const getSecretChanges: Handler = async (caller, raw) => {
    const input = raw as ChangesInput;
    const scope = { accountId: caller.accountId, region: caller.region, caller };
    const { changes, position } = await feed.read(scope, {
      after: input.After,
      waitMs: (input.WaitSeconds ?? 0) * 1000,
      limit: input.MaxResults ?? 100,
      signal: closing,
    });
    return {
      Changes: changes.map((c) => ({ Position: c.position, ARN: c.arn, Name: c.name, EventName: c.eventName, EventTime: new Date(c.eventTime) })),
      Position: position,
    };
  };
  return { GetSecretChanges: getSecretChanges };
}
