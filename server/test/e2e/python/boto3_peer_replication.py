"""Replication to another Coffer deployment through boto3: COFFER_ENDPOINT (the `coffer` profile) is the primary
deployment, whose COFFER_PEERS sends eu-west-1 to COFFER_PEER_ENDPOINT (credentials COFFER_PEER_KEY_ID and
COFFER_PEER_SECRET_KEY). Prints one JSON line per scenario and exits 1 if any failed.
"""

import os
import sys
import time
import uuid

import boto3
from botocore.config import Config

from boto3_scenarios import check, expect_error, run_scenarios

CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})
RUN = uuid.uuid4().hex[:8]
PRIMARY, PEER = "us-east-1", "eu-west-1"
REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region."


def primary():
    return boto3.session.Session().client("secretsmanager", endpoint_url=os.environ["COFFER_ENDPOINT"], region_name=PRIMARY, config=CONFIG)


def peer():
    return boto3.session.Session(aws_access_key_id=os.environ["COFFER_PEER_KEY_ID"], aws_secret_access_key=os.environ["COFFER_PEER_SECRET_KEY"]).client(
        "secretsmanager", endpoint_url=os.environ["COFFER_PEER_ENDPOINT"], region_name=PEER, config=CONFIG)


def wait_status(us, name, status, timeout=15):
    end = time.time() + timeout
    while True:
        entry = us.describe_secret(SecretId=name)["ReplicationStatus"][0]
        if entry["Status"] == status:
            return entry
        if time.time() > end:
            raise AssertionError(f"{name} never {status}: {entry}")
        time.sleep(0.1)


def versions(client, name):
    out = client.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    return sorted((v["VersionId"], sorted(v.get("VersionStages", []))) for v in out)


def scenario_replicate_to_peer_and_promote():
    us, eu = primary(), peer()
    name = f"py-peer-{RUN}/app"
    created = us.create_secret(Name=name, SecretString="one", AddReplicaRegions=[{"Region": PEER}])
    check(created["ReplicationStatus"][0]["Status"] == "InProgress", created["ReplicationStatus"])
    wait_status(us, name, "InSync")
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "one", "replica read on the peer")
    check(eu.describe_secret(SecretId=name)["PrimaryRegion"] == PRIMARY, "replica names its primary")
    expect_error(lambda: eu.put_secret_value(SecretId=name, SecretString="x"), eu.exceptions.InvalidParameterException, "InvalidParameterException", REPLICA_WRITE)

    us.put_secret_value(SecretId=name, SecretString="two", VersionStages=["AWSCURRENT", "blue"])
    us.update_secret(SecretId=name, Description="described")
    wait_status(us, name, "InSync")
    check(versions(eu, name) == versions(us, name), (versions(eu, name), versions(us, name)))
    check(eu.describe_secret(SecretId=name)["Description"] == "described", "description replicated")
    check(eu.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "one", "labels replicated")

    promoted = eu.stop_replication_to_replica(SecretId=name)
    check(promoted["ARN"].split(":")[3] == PEER, promoted)
    eu.put_secret_value(SecretId=name, SecretString="peer own")
    us.put_secret_value(SecretId=name, SecretString="three")
    failed = wait_status(us, name, "Failed")
    check(failed["StatusMessage"] == "Secret with this name already exists in this region", failed)
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "peer own", "the promoted secret is the peer's own")


SCENARIOS = {"replicate_to_peer_and_promote": scenario_replicate_to_peer_and_promote}

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS, sys.argv[1:]))
