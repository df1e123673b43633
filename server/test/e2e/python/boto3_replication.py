"""Replication through boto3: a primary in one region, replicas in two others of the same Coffer server.

Environment as boto3_scenarios.py (COFFER_ENDPOINT, the `coffer` profile). Prints one JSON line per scenario
({"scenario", "ok", "error"?}) and exits 1 if any failed.
"""

import os
import sys
import uuid

import boto3
from botocore.config import Config

# check, expect_error and the runner are the other scenarios' (this folder is on the path of a script run).
from boto3_scenarios import check, expect_error, run_scenarios

ENDPOINT = os.environ["COFFER_ENDPOINT"]
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})
RUN = uuid.uuid4().hex[:8]
PRIMARY, EU, AP = "us-east-1", "eu-west-1", "ap-south-1"
REPLICA_WRITE = "Operation not permitted on a replica secret. Call must be made in primary secret's region."


def client(region):
    return boto3.session.Session().client("secretsmanager", endpoint_url=ENDPOINT, region_name=region, config=CONFIG)


def scenario_replicate_read_change():
    us, eu = client(PRIMARY), client(EU)
    name = f"py-repl-{RUN}/app"
    created = us.create_secret(Name=name, SecretString="one", AddReplicaRegions=[{"Region": EU}])
    check([(r["Region"], r["Status"]) for r in created["ReplicationStatus"]] == [(EU, "InSync")], created["ReplicationStatus"])
    replica_arn = created["ARN"].replace(f":{PRIMARY}:", f":{EU}:")
    check(eu.get_secret_value(SecretId=replica_arn)["SecretString"] == "one", "replica read")
    us.put_secret_value(SecretId=name, SecretString="two")
    us.update_secret(SecretId=name, Description="described")
    us.tag_resource(SecretId=name, Tags=[{"Key": "env", "Value": "prod"}])
    d = eu.describe_secret(SecretId=name)
    check(d["PrimaryRegion"] == PRIMARY and d["Description"] == "described" and d["Tags"] == [{"Key": "env", "Value": "prod"}], d)
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "two", "replica got the new value")
    check(eu.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "one", "replica labels")
    expect_error(lambda: eu.put_secret_value(SecretId=name, SecretString="x"), eu.exceptions.InvalidParameterException, "InvalidParameterException", REPLICA_WRITE)
    err = expect_error(lambda: us.delete_secret(SecretId=name), us.exceptions.InvalidParameterException, "InvalidParameterException")
    check(f"still has replica regions [{EU}]" in err.response["Error"]["Message"], err.response["Error"]["Message"])
    status = us.describe_secret(SecretId=name)["ReplicationStatus"]
    check(status[0]["Region"] == EU and "LastAccessedDate" in status[0], status)
    filtered = [s["Name"] for s in eu.list_secrets(Filters=[{"Key": "primary-region", "Values": [PRIMARY]}])["SecretList"]]
    check(name in filtered, filtered)


def scenario_conflict_force_remove_promote():
    us, eu, ap = client(PRIMARY), client(EU), client(AP)
    name = f"py-repl-{RUN}/conflict"
    eu.create_secret(Name=name, SecretString="local")
    us.create_secret(Name=name, SecretString="primary")
    out = us.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": EU}, {"Region": AP}])
    check([(r["Region"], r["Status"], r.get("StatusMessage")) for r in out["ReplicationStatus"]] == [
        (EU, "Failed", "Secret with this name already exists in this region"), (AP, "InSync", "Replication succeeded")], out)
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "local", "not overwritten")
    forced = us.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": EU}], ForceOverwriteReplicaSecret=True)
    check([r["Status"] for r in forced["ReplicationStatus"]] == ["InSync", "InSync"], forced)
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "primary", "overwritten")
    removed = us.remove_regions_from_replication(SecretId=name, RemoveReplicaRegions=[AP])
    check([r["Region"] for r in removed["ReplicationStatus"]] == [EU], removed)
    expect_error(lambda: ap.get_secret_value(SecretId=name), ap.exceptions.ResourceNotFoundException, "ResourceNotFoundException")
    promoted = eu.stop_replication_to_replica(SecretId=name)
    check(promoted["ARN"].split(":")[3] == EU, promoted)
    check("PrimaryRegion" not in eu.describe_secret(SecretId=name), "promoted replica is standalone")
    eu.put_secret_value(SecretId=name, SecretString="eu own")
    check("ReplicationStatus" not in us.describe_secret(SecretId=name), "primary forgot the replica")
    us.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    check(eu.get_secret_value(SecretId=name)["SecretString"] == "eu own", "promoted replica outlives the primary")


SCENARIOS = {
    "replicate_read_change": scenario_replicate_read_change,
    "conflict_force_remove_promote": scenario_conflict_force_remove_promote,
}


def main(argv):
    return run_scenarios(SCENARIOS, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
