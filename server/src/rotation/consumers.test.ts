// Which version a read got, from what it asked and when (consumers.ts): by VersionId that version; by label after
// AWSCURRENT last moved the label's holder now; AWSCURRENT before that (since AWSPREVIOUS was created) the
// AWSPREVIOUS version; anything older is not attributed. The latest read per principal wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alternatesUsers, attribute, durationText, type SecretReads } from './consumers.ts';

const versions = [
  { id: 'v-old', stages: [] as string[], created: 1_000 },
  { id: 'v-prev', stages: ['AWSPREVIOUS'], created: 2_000 },
  { id: 'v-cur', stages: ['AWSCURRENT'], created: 3_000 },
];
const A = 'arn:aws:iam::111122223333:user/a';
const B = 'arn:aws:iam::111122223333:user/b';

function consumersOf(found: SecretReads) {
  const byVersion = attribute(found, versions);
  return Object.fromEntries([...byVersion].map(([id, m]) => [id, [...m.values()].map((c) => [c.PrincipalArn, c.LastReadDate.getTime(), c.ReadAs])]));
}

test('reads by label after the last move go to the label holder; by VersionId to that version', () => {
  const found: SecretReads = {
    lastSplit: 0,
    finalPhase: 1,
    examined: 4,
    reads: [
      { principalArn: A, versionStage: 'AWSPREVIOUS', phase: 1, lastRead: 3_500 },
      { principalArn: B, versionStage: 'AWSCURRENT', phase: 1, lastRead: 3_600 },
      { principalArn: B, versionId: 'v-old', phase: 1, lastRead: 3_700 },
      { principalArn: A, versionId: 'v-gone', phase: 1, lastRead: 3_800 },
    ],
  };
  assert.deepEqual(consumersOf(found), {
    'v-prev': [[A, 3_500, 'AWSPREVIOUS']],
    'v-cur': [[B, 3_600, 'AWSCURRENT']],
    'v-old': [[B, 3_700, 'VersionId']],
  });
});

test('AWSCURRENT read before the last move, since AWSPREVIOUS was created, counts for AWSPREVIOUS; older label reads for nobody', () => {
  const found: SecretReads = {
    lastSplit: 0,
    finalPhase: 2,
    examined: 4,
    reads: [
      { principalArn: A, versionStage: 'AWSCURRENT', phase: 1, lastRead: 2_500 },
      // before AWSPREVIOUS existed: the version it got holds no label now
      { principalArn: B, versionStage: 'AWSCURRENT', phase: 0, lastRead: 1_500 },
      // AWSPREVIOUS before the last move was an older version
      { principalArn: B, versionStage: 'AWSPREVIOUS', phase: 1, lastRead: 2_600 },
    ],
  };
  assert.deepEqual(consumersOf(found), { 'v-prev': [[A, 2_500, 'AWSCURRENT']] });
});

test("a principal's latest read of a version is the one shown, with how it asked", () => {
  const found: SecretReads = {
    lastSplit: 0,
    finalPhase: 1,
    examined: 2,
    reads: [
      { principalArn: A, versionStage: 'AWSPREVIOUS', phase: 1, lastRead: 3_900 },
      { principalArn: A, versionId: 'v-prev', phase: 1, lastRead: 3_400 },
    ],
  };
  assert.deepEqual(consumersOf(found), { 'v-prev': [[A, 3_900, 'AWSPREVIOUS']] });
});

test('only the MultiUser templates alternate users; idle times print in their largest exact unit', () => {
  assert.equal(alternatesUsers('SecretsManagerRDSPostgreSQLRotationMultiUser'), true);
  assert.equal(alternatesUsers('SecretsManagerRDSPostgreSQLRotationSingleUser'), false);
  assert.equal(alternatesUsers('http'), false);
  assert.equal(alternatesUsers(undefined), false);
  assert.deepEqual([3600, 5400, 86400, 90].map(durationText), ['1h', '90m', '1d', '90s']);
});
