import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../errors/aws-errors.ts';
import {
  type StageState,
  applyNewVersion,
  deprecatedVersionsToPrune,
  stageStateFrom,
  stagesByVersion,
  stagesOf,
  updateVersionStage,
} from './versions.ts';

/** Sorted per-version labels, for order-independent comparison. */
function view(state: StageState): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [v, stages] of stagesByVersion(state)) out[v] = [...stages].sort();
  return out;
}

function state(versions: Record<string, string[]>): StageState {
  return stageStateFrom(Object.entries(versions));
}

function assertAwsError(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('stageStateFrom / stagesOf', () => {
  it('round-trips per-version labels and omits unlabelled versions', () => {
    const s = state({ v1: ['AWSCURRENT', 'x'], v2: [], v3: ['AWSPREVIOUS'] });
    assert.deepEqual(view(s), { v1: ['AWSCURRENT', 'x'], v3: ['AWSPREVIOUS'] });
    assert.deepEqual(stagesOf(s, 'v1'), ['AWSCURRENT', 'x']);
    assert.deepEqual(stagesOf(s, 'v2'), []);
  });
  it('refuses a label on two versions (corrupt data)', () => {
    assert.throws(() => state({ v1: ['x'], v2: ['x'] }), /on versions v1 and v2/);
  });
});

describe('applyNewVersion', () => {
  it('first version gets AWSCURRENT', () => {
    const r = applyNewVersion(new Map(), 'v1', undefined, true);
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT'] });
    assert.deepEqual(r.changes, [{ stage: 'AWSCURRENT', from: null, to: 'v1' }]);
  });

  it('first version gets AWSCURRENT added to explicit stages', () => {
    const r = applyNewVersion(new Map(), 'v1', ['AWSPENDING', 'x'], true);
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT', 'AWSPENDING', 'x'] });
  });

  it('plain put: AWSCURRENT moves, old current becomes AWSPREVIOUS, former AWSPREVIOUS loses it', () => {
    const s1 = applyNewVersion(new Map(), 'v1', undefined, true).state;
    const s2 = applyNewVersion(s1, 'v2', undefined, false).state;
    assert.deepEqual(view(s2), { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
    const r3 = applyNewVersion(s2, 'v3', undefined, false);
    assert.deepEqual(view(r3.state), { v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] }); // v1 has no label left
    assert.deepEqual(
      [...r3.changes].sort((a, b) => a.stage.localeCompare(b.stage)),
      [
        { stage: 'AWSCURRENT', from: 'v2', to: 'v3' },
        { stage: 'AWSPREVIOUS', from: 'v1', to: 'v2' },
      ],
    );
  });

  it('plain put turns a [AWSCURRENT, AWSPENDING] version into [AWSPREVIOUS]', () => {
    const s = state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] });
    const r = applyNewVersion(s, 'v3', undefined, false);
    assert.deepEqual(view(r.state), { v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] });
    assert.ok(r.changes.some((c) => c.stage === 'AWSPENDING' && c.from === 'v2' && c.to === null));
  });

  it('keeps custom labels on the old current', () => {
    const s = state({ v1: ['AWSCURRENT', 'keep'] });
    assert.deepEqual(view(applyNewVersion(s, 'v2', undefined, false).state), {
      v1: ['AWSPREVIOUS', 'keep'],
      v2: ['AWSCURRENT'],
    });
  });

  it('moves labels, never copies: [one,two,four] onto new while older had [one,two,three] leaves [three]', () => {
    const s = state({ v1: ['AWSCURRENT'], v2: ['one', 'two', 'three'] });
    const r = applyNewVersion(s, 'v3', ['one', 'two', 'four'], false);
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT'], v2: ['three'], v3: ['four', 'one', 'two'] });
  });

  it('explicit stages without AWSCURRENT leave AWSCURRENT and AWSPREVIOUS where they are', () => {
    const s = state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
    const r = applyNewVersion(s, 'v3', ['AWSPENDING'], false);
    assert.deepEqual(view(r.state), { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'], v3: ['AWSPENDING'] });
    assert.deepEqual(r.changes, [{ stage: 'AWSPENDING', from: null, to: 'v3' }]);
  });

  it('explicit stages with AWSCURRENT: AWSPREVIOUS follows as usual', () => {
    const s = state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] });
    const r = applyNewVersion(s, 'v3', ['AWSCURRENT', 'x'], false);
    assert.deepEqual(view(r.state), { v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT', 'x'] });
  });

  it('explicit AWSCURRENT + AWSPENDING takes AWSPENDING along to the new version', () => {
    const s = state({ v1: ['AWSCURRENT', 'AWSPENDING'] });
    const r = applyNewVersion(s, 'v2', ['AWSCURRENT', 'AWSPENDING'], false);
    assert.deepEqual(view(r.state), { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('AWSPREVIOUS requested explicitly with AWSCURRENT wins over the automatic move', () => {
    const s = state({ v1: ['AWSCURRENT'] });
    const r = applyNewVersion(s, 'v2', ['AWSCURRENT', 'AWSPREVIOUS'], false);
    assert.deepEqual(view(r.state), { v2: ['AWSCURRENT', 'AWSPREVIOUS'] });
  });

  it('no current yet (secret created without value, not first version): AWSCURRENT just attaches', () => {
    const s = state({ p: ['AWSPENDING'] });
    const r = applyNewVersion(s, 'v1', undefined, false);
    assert.deepEqual(view(r.state), { p: ['AWSPENDING'], v1: ['AWSCURRENT'] });
  });

  it('filling an existing labelled version (rotation placeholder) keeps its labels and moves nothing else', () => {
    const s = state({ v1: ['AWSCURRENT'], tok: ['AWSPENDING'] });
    const r = applyNewVersion(s, 'tok', ['AWSPENDING'], false);
    assert.deepEqual(view(r.state), view(s));
    assert.deepEqual(r.changes, []);
  });

  it('duplicate requested labels count once', () => {
    const r = applyNewVersion(state({ v1: ['AWSCURRENT'] }), 'v2', ['x', 'x'], false);
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT'], v2: ['x'] });
  });

  it('does not modify the input state', () => {
    const s = state({ v1: ['AWSCURRENT'] });
    applyNewVersion(s, 'v2', undefined, false);
    assert.deepEqual(view(s), { v1: ['AWSCURRENT'] });
  });

  it('accepts 20 labels on one version, refuses 21 (LimitExceededException)', () => {
    const twenty = Array.from({ length: 19 }, (_, i) => `l${i}`);
    const ok = applyNewVersion(new Map(), 'v1', twenty, true).state; // + AWSCURRENT = 20
    assert.equal(stagesOf(ok, 'v1').length, 20);
    assertAwsError(
      () => applyNewVersion(new Map(), 'v1', [...twenty, 'l19'], true),
      'LimitExceededException',
      /at most 20 staging labels.*v1/,
    );
  });

  it('refuses more than 20 labels across all versions of a secret', () => {
    const s = state({
      v1: ['AWSCURRENT', ...Array.from({ length: 9 }, (_, i) => `a${i}`)],
      v2: Array.from({ length: 10 }, (_, i) => `b${i}`),
    });
    assertAwsError(
      () => applyNewVersion(s, 'v3', ['c0'], false),
      'LimitExceededException',
      /across all its versions/,
    );
    // moving existing labels does not add to the count
    assert.equal(applyNewVersion(s, 'v3', ['a0', 'b0'], false).state.size, 20);
  });
});

describe('updateVersionStage', () => {
  const base = () => state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'keep'], v3: ['AWSPENDING'] });

  it('rotation finish: moving AWSCURRENT keeps the target labels, old current gets AWSPREVIOUS and keeps custom ones', () => {
    const r = updateVersionStage(base(), 'AWSCURRENT', { moveTo: 'v3', removeFrom: 'v2' });
    assert.deepEqual(view(r.state), { v2: ['AWSPREVIOUS', 'keep'], v3: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('rollback onto the AWSPREVIOUS version swaps the two labels', () => {
    const r = updateVersionStage(base(), 'AWSCURRENT', { moveTo: 'v1', removeFrom: 'v2' });
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS', 'keep'], v3: ['AWSPENDING'] });
  });

  it('moving AWSCURRENT away from a [AWSCURRENT, AWSPENDING] version drops AWSPENDING there', () => {
    const s = state({ v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'AWSPENDING'] });
    const r = updateVersionStage(s, 'AWSCURRENT', { moveTo: 'v1', removeFrom: 'v2' });
    assert.deepEqual(view(r.state), { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] });
  });

  it('moving a label held elsewhere requires RemoveFromVersionId (AWS text)', () => {
    assertAwsError(
      () => updateVersionStage(base(), 'AWSCURRENT', { moveTo: 'v3' }),
      'InvalidParameterException',
      /^The parameter RemoveFromVersionId can't be empty\. Staging label AWSCURRENT is currently attached to version v2, so you must explicitly reference that version in RemoveFromVersionId\.$/,
    );
    assertAwsError(() => updateVersionStage(base(), 'keep', { moveTo: 'v1' }), 'InvalidParameterException', /keep.*v2/);
  });

  it('RemoveFromVersionId must name the version holding the label', () => {
    assertAwsError(
      () => updateVersionStage(base(), 'AWSCURRENT', { moveTo: 'v3', removeFrom: 'v1' }),
      'InvalidParameterException',
      /attached to version v2, not to version v1/,
    );
    assertAwsError(
      () => updateVersionStage(base(), 'keep', { removeFrom: 'v3' }),
      'InvalidParameterException',
      /attached to version v2, not to version v3/,
    );
  });

  it('RemoveFromVersionId naming a version, for a label that is nowhere, is refused', () => {
    assertAwsError(
      () => updateVersionStage(base(), 'nowhere', { removeFrom: 'v1' }),
      'InvalidParameterException',
      /not attached to version v1/,
    );
    assertAwsError(
      () => updateVersionStage(base(), 'nowhere', { moveTo: 'v2', removeFrom: 'v1' }),
      'InvalidParameterException',
      /not attached to version v1/,
    );
  });

  it('attaches a label that is nowhere without RemoveFromVersionId', () => {
    const r = updateVersionStage(base(), 'new', { moveTo: 'v1' });
    assert.deepEqual(view(r.state).v1, ['AWSPREVIOUS', 'new']);
    assert.deepEqual(r.changes, [{ stage: 'new', from: null, to: 'v1' }]);
  });

  it('moves a custom label with RemoveFromVersionId; AWSCURRENT/AWSPREVIOUS stay', () => {
    const r = updateVersionStage(base(), 'keep', { moveTo: 'v1', removeFrom: 'v2' });
    assert.deepEqual(view(r.state), { v1: ['AWSPREVIOUS', 'keep'], v2: ['AWSCURRENT'], v3: ['AWSPENDING'] });
    assert.deepEqual(r.changes, [{ stage: 'keep', from: 'v2', to: 'v1' }]);
  });

  it('only RemoveFromVersionId detaches the label; the version may be left without labels', () => {
    const r = updateVersionStage(base(), 'AWSPENDING', { removeFrom: 'v3' });
    assert.deepEqual(view(r.state), { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT', 'keep'] });
    assert.deepEqual(r.changes, [{ stage: 'AWSPENDING', from: 'v3', to: null }]);
  });

  it('refuses detaching AWSCURRENT without moving it', () => {
    assertAwsError(
      () => updateVersionStage(base(), 'AWSCURRENT', { removeFrom: 'v2' }),
      'InvalidParameterException',
      /without moving it/,
    );
  });

  it('refuses a request naming neither version', () => {
    assertAwsError(() => updateVersionStage(base(), 'x', {}), 'InvalidParameterException', /MoveToVersionId/);
  });

  it('moving a label onto its own holder is a no-op (with or without RemoveFromVersionId)', () => {
    const s = base();
    assert.deepEqual(updateVersionStage(s, 'AWSCURRENT', { moveTo: 'v2' }).changes, []);
    const r = updateVersionStage(s, 'AWSCURRENT', { moveTo: 'v2', removeFrom: 'v2' });
    assert.deepEqual(r.changes, []);
    assert.deepEqual(view(r.state), view(s));
  });

  it('moving AWSCURRENT when no version has it (first value from a rotation) adds no AWSPREVIOUS', () => {
    const s = state({ tok: ['AWSPENDING'] });
    const r = updateVersionStage(s, 'AWSCURRENT', { moveTo: 'tok' });
    assert.deepEqual(view(r.state), { tok: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('enforces the label quota (the automatic AWSPREVIOUS counts)', () => {
    const s = state({
      v1: ['AWSCURRENT', ...Array.from({ length: 18 }, (_, i) => `a${i}`)],
      v2: ['b'],
    });
    assertAwsError(
      () => updateVersionStage(s, 'AWSCURRENT', { moveTo: 'v2', removeFrom: 'v1' }),
      'LimitExceededException',
      /at most 20/,
    );
    assertAwsError(() => updateVersionStage(s, 'd', { moveTo: 'v2' }), 'LimitExceededException', /across all/);
  });

  it('does not modify the input state', () => {
    const s = base();
    updateVersionStage(s, 'AWSCURRENT', { moveTo: 'v3', removeFrom: 'v2' });
    assert.deepEqual(view(s), view(base()));
  });
});

describe('deprecatedVersionsToPrune', () => {
  const now = new Date('2024-06-01T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const make = (n: number, opts: { labelled?: (i: number) => boolean; ageHours?: (i: number) => number } = {}) =>
    Array.from({ length: n }, (_, i) => ({
      versionId: `v${String(i).padStart(3, '0')}`,
      // v000 is the oldest
      createdAt: hoursAgo(opts.ageHours ? opts.ageHours(i) : 1000 - i),
      stages: opts.labelled?.(i) ? ['x'] : [],
    }));

  it('prunes nothing at 100 versions or fewer', () => {
    assert.deepEqual(deprecatedVersionsToPrune(make(100), now), []);
    assert.deepEqual(deprecatedVersionsToPrune(make(3), now), []);
  });

  it('prunes the oldest unlabelled versions until 100 remain', () => {
    assert.deepEqual(deprecatedVersionsToPrune(make(103), now), ['v000', 'v001', 'v002']);
  });

  it('sorts by age, not by input order', () => {
    const versions = make(102).reverse();
    assert.deepEqual(deprecatedVersionsToPrune(versions, now), ['v000', 'v001']);
  });

  it('never prunes labelled versions', () => {
    const out = deprecatedVersionsToPrune(make(103, { labelled: (i) => i < 2 }), now);
    assert.deepEqual(out, ['v002', 'v003', 'v004']);
  });

  it('keeps versions younger than 24 hours even above 100', () => {
    // all but the first two are young
    const out = deprecatedVersionsToPrune(make(105, { ageHours: (i) => (i < 2 ? 48 - i : 23) }), now);
    assert.deepEqual(out, ['v000', 'v001']);
    // exactly 24 hours old is not older than 24 hours
    assert.deepEqual(deprecatedVersionsToPrune(make(101, { ageHours: () => 24 }), now), []);
  });

  it('breaks createdAt ties by versionId', () => {
    const out = deprecatedVersionsToPrune(make(102, { ageHours: () => 100 }).reverse(), now);
    assert.deepEqual(out, ['v000', 'v001']);
  });
});
