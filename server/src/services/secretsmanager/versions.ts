// The staging-label machine: pure functions from one label state to the next.
//
// A secret's labels are a map stage -> versionId. That shape makes AWS's central invariant, "each
// staging label is attached to at most one version", impossible to break, and it is the shape of the
// secret_version_stages table (one row per stage). Every function returns the new state and the
// net changes ({stage, from, to}) for the store to apply; the input state is never modified.

import { awsErrors } from '../../errors/aws-errors.ts';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
export const AWSPENDING = 'AWSPENDING';

/** AWS quota: at most 20 staging labels on a version, and 20 across all versions of a secret. */
export const MAX_LABELS_PER_VERSION = 20;
export const MAX_LABELS_PER_SECRET = 20;
/** Deprecated (unlabelled) versions are kept up to this many versions in total ... */
export const MAX_RETAINED_VERSIONS = 100;
/** ... and always while younger than this. */
export const DEPRECATED_VERSION_MIN_AGE_MS = 24 * 60 * 60 * 1000;

/** stage -> versionId holding it. */
export type StageState = ReadonlyMap<string, string>;

/** A label that moved: `from` null = newly attached, `to` null = detached. */
export interface LabelChange {
  stage: string;
  from: string | null;
  to: string | null;
}

export interface StageTransition {
  state: StageState;
  changes: LabelChange[];
}

/**
 * Builds the state from per-version label lists (e.g. rows grouped by version). Throws if a label
 * appears on two versions: that is corrupt data, not a client error.
 */
export function stageStateFrom(versions: Iterable<readonly [versionId: string, stages: Iterable<string>]>): StageState {
  const state = new Map<string, string>();
  for (const [versionId, stages] of versions) {
    for (const stage of stages) {
      const holder = state.get(stage);
      if (holder !== undefined && holder !== versionId) {
        throw new Error(`staging label ${stage} is on versions ${holder} and ${versionId}`);
      }
      state.set(stage, versionId);
    }
  }
  return state;
}

/** The labels of one version, in the state's order. */
export function stagesOf(state: StageState, versionId: string): string[] {
  const out: string[] = [];
  for (const [stage, holder] of state) if (holder === versionId) out.push(stage);
  return out;
}

/** versionId -> its labels; versions without labels do not appear (AWS omits them too). */
export function stagesByVersion(state: StageState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [stage, versionId] of state) {
    const list = out.get(versionId);
    if (list) list.push(stage);
    else out.set(versionId, [stage]);
  }
  return out;
}

/**
 * Labels for a new version (PutSecretValue, UpdateSecret with a value, CreateSecret with a value).
 *
 * - `requestedStages` undefined (no VersionStages): AWSCURRENT moves to the new version.
 * - Explicit stages: each is moved, never copied, from wherever it is. ([one,two,four] onto a new
 *   version while an older one had [one,two,three] leaves the older one with [three].) Without
 *   AWSCURRENT among them, AWSCURRENT and AWSPREVIOUS stay where they are.
 * - `isFirstVersion`: the secret's first version always gets AWSCURRENT, added to any requested.
 *
 * Whenever AWSCURRENT moves here from another version, AWSPREVIOUS follows to that old current
 * (taken off the former AWSPREVIOUS, which may thereby lose its last label), and AWSPENDING is taken
 * off the old current: observed on AWS, a plain put turns a [AWSCURRENT, AWSPENDING] version into
 * [AWSPREVIOUS]. AWSPENDING on the current version marks a finished rotation; left on a version that
 * is no longer current it would read as a rotation in progress and block RotateSecret.
 * Decision: the same applies when AWSCURRENT is among explicit stages (same reason). Custom labels on
 * the old current stay. If AWSPREVIOUS is itself requested, the request wins: it goes to the new
 * version and the old current gets no AWSPREVIOUS.
 *
 * `newVersionId` normally holds no label yet. If it does (the rotation's AWSPENDING placeholder being
 * filled), its labels are kept and the requested ones added.
 */
export function applyNewVersion(
  state: StageState,
  newVersionId: string,
  requestedStages: readonly string[] | undefined,
  isFirstVersion: boolean,
): StageTransition {
  const wanted = new Set(requestedStages ?? [AWSCURRENT]);
  if (isFirstVersion) wanted.add(AWSCURRENT);

  const next = new Map(state);
  const oldCurrent = state.get(AWSCURRENT);
  for (const stage of wanted) {
    next.delete(stage); // re-insert so the moved label sorts after the version's older labels
    next.set(stage, newVersionId);
  }
  if (wanted.has(AWSCURRENT) && oldCurrent !== undefined && oldCurrent !== newVersionId) {
    demoteOldCurrent(next, oldCurrent, wanted.has(AWSPREVIOUS));
  }
  checkLabelQuota(next);
  return { state: next, changes: diff(state, next) };
}

export interface UpdateVersionStageRequest {
  moveTo?: string;
  removeFrom?: string;
}

/**
 * UpdateSecretVersionStage. Assumes the caller has checked that `moveTo` and `removeFrom`, when given,
 * are versions of this secret (unknown ids are the caller's InvalidParameter/ResourceNotFound), and
 * that moving AWSCURRENT onto a version without a value is acceptable to it.
 *
 * - A label attached to another version moves only when RemoveFromVersionId names that version.
 * - RemoveFromVersionId must name the version that holds the label (also when the label is nowhere).
 * - Moving AWSCURRENT: the target keeps its other labels (it may become [AWSCURRENT, AWSPENDING]);
 *   the old current gets AWSPREVIOUS and keeps its custom labels; AWSPREVIOUS leaves wherever it
 *   was (the target included: rolling back to the previous version swaps the two labels).
 *   Decision: as with a new version, AWSPENDING is taken off the old current (a finished-rotation
 *   marker must not be left on a non-current version, where it would block RotateSecret).
 * - Only RemoveFromVersionId: detaches the label. Decision: refused for AWSCURRENT, which must stay on
 *   some version once a secret has one (GetSecretValue without a stage reads it); move it instead.
 * - Moving a label onto the version that already holds it is a no-op.
 */
export function updateVersionStage(
  state: StageState,
  stage: string,
  request: UpdateVersionStageRequest,
): StageTransition {
  const { moveTo, removeFrom } = request;
  if (moveTo === undefined && removeFrom === undefined) {
    throw awsErrors.invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  const holder = state.get(stage);

  if (removeFrom !== undefined && removeFrom !== holder) {
    throw awsErrors.invalidParameter(
      holder === undefined
        ? `The staging label ${stage} is not attached to version ${removeFrom}, so it can't be removed from it.`
        : `The staging label ${stage} is attached to version ${holder}, not to version ${removeFrom}. ` +
            `RemoveFromVersionId must be the version that currently has the staging label.`,
    );
  }

  const next = new Map(state);
  if (moveTo !== undefined) {
    if (holder !== undefined && holder !== moveTo && removeFrom === undefined) {
      // AWS's own text (seen by Terraform users when a secret was updated outside Terraform).
      throw awsErrors.invalidParameter(
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to ` +
          `version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (holder === moveTo) return { state, changes: [] };
    next.delete(stage);
    next.set(stage, moveTo);
    if (stage === AWSCURRENT && holder !== undefined) {
      demoteOldCurrent(next, holder, false);
    }
  } else {
    if (stage === AWSCURRENT) {
      throw awsErrors.invalidParameter(
        `You can't remove the staging label ${AWSCURRENT} from version ${removeFrom} without moving it to ` +
          `another version. Specify MoveToVersionId.`,
      );
    }
    next.delete(stage);
  }
  checkLabelQuota(next);
  return { state: next, changes: diff(state, next) };
}

/** Gives the old current AWSPREVIOUS (unless requested elsewhere) and takes AWSPENDING off it. */
function demoteOldCurrent(next: Map<string, string>, oldCurrent: string, previousRequested: boolean): void {
  if (!previousRequested) {
    next.delete(AWSPREVIOUS);
    next.set(AWSPREVIOUS, oldCurrent);
  }
  // AWSPENDING, if it was requested, is already on the new version and not touched here.
  if (next.get(AWSPENDING) === oldCurrent) next.delete(AWSPENDING);
}

/**
 * LimitExceededException past AWS's staging-label quota. Since a label sits on one version only,
 * the per-secret count is the number of labels; the per-version check comes first for a precise message.
 */
export function checkLabelQuota(state: StageState): void {
  for (const [versionId, stages] of stagesByVersion(state)) {
    if (stages.length > MAX_LABELS_PER_VERSION) {
      throw awsErrors.limitExceeded(
        `A version can have at most ${MAX_LABELS_PER_VERSION} staging labels; version ${versionId} would have ${stages.length}.`,
      );
    }
  }
  if (state.size > MAX_LABELS_PER_SECRET) {
    throw awsErrors.limitExceeded(
      `A secret can have at most ${MAX_LABELS_PER_SECRET} staging labels across all its versions; this request would attach ${state.size}.`,
    );
  }
}

function diff(before: StageState, after: StageState): LabelChange[] {
  const changes: LabelChange[] = [];
  for (const [stage, from] of before) {
    const to = after.get(stage) ?? null;
    if (to !== from) changes.push({ stage, from, to });
  }
  for (const [stage, to] of after) {
    if (!before.has(stage)) changes.push({ stage, from: null, to });
  }
  return changes;
}

export interface VersionForPruning {
  versionId: string;
  createdAt: Date;
  stages: readonly string[];
}

/**
 * Deprecated versions to delete. AWS "keeps 100 of the most recent versions, but it keeps all secret
 * versions created in the last 24 hours", and never removes a labelled version. So: only when the
 * secret has more than 100 versions, the unlabelled ones older than 24 hours go, oldest first, until
 * at most 100 remain (fewer cannot be reached when the rest is labelled or young; they stay).
 * Ties on createdAt break by versionId so the choice is deterministic.
 */
export function deprecatedVersionsToPrune(versions: readonly VersionForPruning[], now: Date): string[] {
  let excess = versions.length - MAX_RETAINED_VERSIONS;
  if (excess <= 0) return [];
  const cutoff = now.getTime() - DEPRECATED_VERSION_MIN_AGE_MS;
  const prunable = versions
    .filter((v) => v.stages.length === 0 && v.createdAt.getTime() < cutoff)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0));
  const out: string[] = [];
  for (const v of prunable) {
    if (excess-- <= 0) break;
    out.push(v.versionId);
  }
  return out;
}
