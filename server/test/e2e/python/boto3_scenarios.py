"""Drives a running Coffer server with boto3, as a Python application would.

Environment: COFFER_ENDPOINT (the server URL), AWS_SHARED_CREDENTIALS_FILE + AWS_PROFILE (the admin
credential Coffer wrote), AWS_DEFAULT_REGION. Runs every scenario (or those named on the command line),
prints one JSON line per scenario ({"scenario", "ok", "error"?}) and exits 1 if any failed.
"""

import base64
import json
import os
import sys
import traceback
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ["COFFER_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
# One attempt: a retried request must not hide a server fault.
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})
RUN = uuid.uuid4().hex[:8]


def client(**kwargs):
    return boto3.session.Session().client("secretsmanager", endpoint_url=ENDPOINT, region_name=REGION, config=CONFIG, **kwargs)


def name(suffix):
    return f"py-{RUN}/{suffix}"


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_error(fn, exception_class, code, message_part=None):
    """Calls fn, which must raise the modelled exception class with the code (and message text)."""
    try:
        fn()
    except exception_class as err:
        check(err.response["Error"]["Code"] == code, f"error code {err.response['Error']['Code']!r}, expected {code!r}")
        check(err.response["ResponseMetadata"]["HTTPStatusCode"] == 400, f"HTTP {err.response['ResponseMetadata']['HTTPStatusCode']}")
        if message_part is not None:
            check(message_part in err.response["Error"]["Message"], f"message {err.response['Error']['Message']!r} lacks {message_part!r}")
        return err
    raise AssertionError(f"expected {code}, but the call succeeded")


def scenario_versions_and_stages():
    sm = client()
    secret = name("app")
    created = sm.create_secret(Name=secret, SecretString=json.dumps({"username": "anika", "password": "first"}))
    check(set(created) - {"ResponseMetadata"} == {"ARN", "Name", "VersionId"}, f"create_secret returned {sorted(created)}")
    check(created["ARN"].startswith(f"arn:aws:secretsmanager:{REGION}:") and f":secret:{secret}-" in created["ARN"], created["ARN"])
    updated = sm.update_secret(SecretId=secret, SecretString=json.dumps({"username": "anika", "password": "second"}))
    check(set(updated) - {"ResponseMetadata"} == {"ARN", "Name", "VersionId"}, f"update_secret returned {sorted(updated)}")
    previous = sm.get_secret_value(SecretId=secret, VersionStage="AWSPREVIOUS")
    check(json.loads(previous["SecretString"])["password"] == "first", previous["SecretString"])
    check(previous["VersionId"] == created["VersionId"], "AWSPREVIOUS is the created version")
    current = sm.get_secret_value(SecretId=created["ARN"])
    check(json.loads(current["SecretString"])["password"] == "second", current["SecretString"])
    check(current["VersionStages"] == ["AWSCURRENT"], current["VersionStages"])
    check(hasattr(current["CreatedDate"], "year"), "CreatedDate parses as a datetime")

    token = str(uuid.uuid4())
    staged = sm.put_secret_value(SecretId=secret, SecretString="staged", ClientRequestToken=token, VersionStages=["blue", "green"])
    check(staged["VersionId"] == token and sorted(staged["VersionStages"]) == ["blue", "green"], staged)
    # Retrying the same token with the same value is a no-op; with another value it is refused.
    again = sm.put_secret_value(SecretId=secret, SecretString="staged", ClientRequestToken=token, VersionStages=["blue", "green"])
    check(again["VersionId"] == token, again)
    expect_error(
        lambda: sm.put_secret_value(SecretId=secret, SecretString="other", ClientRequestToken=token),
        sm.exceptions.ResourceExistsException, "ResourceExistsException",
    )
    described = sm.describe_secret(SecretId=secret)
    stages = {v: sorted(s) for v, s in described["VersionIdsToStages"].items()}
    check(stages == {updated["VersionId"]: ["AWSCURRENT"], created["VersionId"]: ["AWSPREVIOUS"], token: ["blue", "green"]}, stages)
    check(sm.get_secret_value(SecretId=secret, VersionStage="green")["SecretString"] == "staged", "stage green")

    versions = sm.list_secret_version_ids(SecretId=secret)
    check(sorted(v["VersionId"] for v in versions["Versions"]) == sorted(stages), versions["Versions"])
    check("NextToken" not in versions, "no NextToken when nothing follows")


def scenario_binary():
    sm = client()
    data = bytes([0, 1, 2, 254, 255]) + os.urandom(64)
    sm.create_secret(Name=name("binary"), SecretBinary=data)
    got = sm.get_secret_value(SecretId=name("binary"))
    check(got["SecretBinary"] == data, "binary value round-trips byte for byte")
    check("SecretString" not in got, "no SecretString on a binary secret")


def scenario_typed_exceptions():
    sm = client()
    expect_error(
        lambda: sm.get_secret_value(SecretId=name("missing")),
        sm.exceptions.ResourceNotFoundException, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.",
    )
    secret = name("exceptions")
    sm.create_secret(Name=secret, SecretString="x")
    expect_error(
        lambda: sm.create_secret(Name=secret, SecretString="y"),
        sm.exceptions.ResourceExistsException, "ResourceExistsException", f"The operation failed because the secret {secret} already exists.",
    )
    expect_error(
        lambda: sm.put_secret_value(SecretId=secret),
        sm.exceptions.InvalidParameterException, "InvalidParameterException",
    )
    expect_error(
        lambda: sm.update_secret_version_stage(SecretId=secret, VersionStage="AWSCURRENT"),
        sm.exceptions.InvalidParameterException, "InvalidParameterException",
    )
    sm.delete_secret(SecretId=secret, RecoveryWindowInDays=7)
    expect_error(
        lambda: sm.get_secret_value(SecretId=secret),
        sm.exceptions.InvalidRequestException, "InvalidRequestException", "marked for deletion",
    )
    expect_error(
        lambda: sm.create_secret(Name=secret, SecretString="z"),
        sm.exceptions.InvalidRequestException, "InvalidRequestException", "already scheduled for deletion",
    )
    # Not a modelled Secrets Manager error: boto3 raises a ClientError with the code.
    err = expect_error(lambda: sm.describe_secret(SecretId="bad name*"), botocore.exceptions.ClientError, "ValidationException")
    check("Invalid name" in err.response["Error"]["Message"], err.response["Error"]["Message"])
    check(not isinstance(err, sm.exceptions.ResourceNotFoundException), "an invalid name is not a missing secret")


def scenario_delete_restore_tags():
    sm = client()
    secret = name("lifecycle")
    sm.create_secret(Name=secret, SecretString="keep me", Tags=[{"Key": "team", "Value": "blue"}])
    sm.tag_resource(SecretId=secret, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "red"}])
    tags = {t["Key"]: t["Value"] for t in sm.describe_secret(SecretId=secret)["Tags"]}
    check(tags == {"team": "red", "env": "prod"}, tags)
    sm.untag_resource(SecretId=secret, TagKeys=["team", "env"])
    check(sm.describe_secret(SecretId=secret)["Tags"] == [], "Tags stays, empty, after removing all tags")

    deleted = sm.delete_secret(SecretId=secret, RecoveryWindowInDays=7)
    check(hasattr(deleted["DeletionDate"], "year"), deleted)
    check("DeletedDate" in sm.describe_secret(SecretId=secret), "a deleted secret still describes, with DeletedDate")
    listed = [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [secret]}])["SecretList"]]
    check(listed == [], f"deleted secrets are not listed by default: {listed}")
    listed = [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [secret]}], IncludePlannedDeletion=True)["SecretList"]]
    check(listed == [secret], listed)
    restored = sm.restore_secret(SecretId=secret)
    check(set(restored) - {"ResponseMetadata"} == {"ARN", "Name"}, restored)
    check(sm.get_secret_value(SecretId=secret)["SecretString"] == "keep me", "value readable after restore")

    forced = sm.delete_secret(SecretId=secret, ForceDeleteWithoutRecovery=True)
    check(forced["Name"] == secret, forced)
    expect_error(lambda: sm.describe_secret(SecretId=secret), sm.exceptions.ResourceNotFoundException, "ResourceNotFoundException")


def scenario_list_secrets_paginator():
    sm = client()
    names = sorted(name(f"page/{i:02d}") for i in range(7))
    for n in names:
        sm.create_secret(Name=n, SecretString=n, Description=f"page item {n[-2:]}")
    paginator = sm.get_paginator("list_secrets")
    pages = list(paginator.paginate(Filters=[{"Key": "name", "Values": [name("page/")]}], PaginationConfig={"PageSize": 2}))
    check(len(pages) == 4, f"7 secrets in pages of 2: {len(pages)} pages")
    check(all(len(p["SecretList"]) <= 2 for p in pages), [len(p["SecretList"]) for p in pages])
    seen = [s["Name"] for p in pages for s in p["SecretList"]]
    check(sorted(seen) == names and len(seen) == len(set(seen)), seen)
    built = paginator.paginate(Filters=[{"Key": "name", "Values": [name("page/")]}], PaginationConfig={"PageSize": 3}).build_full_result()
    check(sorted(s["Name"] for s in built["SecretList"]) == names, built)
    desc = sm.list_secrets(Filters=[{"Key": "description", "Values": ["item"]}, {"Key": "name", "Values": [name("page/0")]}], SortOrder="desc", SortBy="name")
    check([s["Name"] for s in desc["SecretList"]] == sorted(names, reverse=True), desc["SecretList"])


def scenario_random_password():
    sm = client()
    pw = sm.get_random_password(PasswordLength=40, ExcludePunctuation=True)["RandomPassword"]
    check(len(pw) == 40 and pw.isalnum(), pw)
    check(any(c.isdigit() for c in pw) and any(c.islower() for c in pw) and any(c.isupper() for c in pw), pw)
    excluded = sm.get_random_password(PasswordLength=32, ExcludeCharacters="abcdefABCDEF0123")["RandomPassword"]
    check(len(excluded) == 32 and not set(excluded) & set("abcdefABCDEF0123"), excluded)


def scenario_bad_credentials():
    unknown = client(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    expect_error(lambda: unknown.list_secrets(), botocore.exceptions.ClientError, "UnrecognizedClientException")
    good = boto3.session.Session().get_credentials()
    wrong_secret = client(aws_access_key_id=good.access_key, aws_secret_access_key=base64.b64encode(os.urandom(30)).decode())
    err = expect_error(lambda: wrong_secret.list_secrets(), botocore.exceptions.ClientError, "InvalidSignatureException")
    check("signature" in err.response["Error"]["Message"].lower(), err.response["Error"]["Message"])


SCENARIOS = {
    "versions_and_stages": scenario_versions_and_stages,
    "binary": scenario_binary,
    "typed_exceptions": scenario_typed_exceptions,
    "delete_restore_tags": scenario_delete_restore_tags,
    "list_secrets_paginator": scenario_list_secrets_paginator,
    "random_password": scenario_random_password,
    "bad_credentials": scenario_bad_credentials,
}


def run_scenarios(scenarios, argv):
    """Runs the named scenarios (all without names), one JSON line each; 1 if any failed."""
    selected = argv or list(scenarios)
    failed = 0
    for key in selected:
        try:
            scenarios[key]()
            print(json.dumps({"scenario": key, "ok": True}), flush=True)
        except Exception as err:  # report every scenario, then fail the run
            failed += 1
            print(json.dumps({"scenario": key, "ok": False, "error": f"{type(err).__name__}: {err}", "trace": traceback.format_exc()}), flush=True)
    return 1 if failed else 0


def main(argv):
    return run_scenarios(SCENARIOS, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
