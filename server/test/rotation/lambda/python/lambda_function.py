# A single-user rotation function for PostgreSQL and MySQL/MariaDB written as AWS's published templates
# are (SecretsManagerRDSPostgreSQLRotationSingleUser, SecretsManagerRDSMySQLRotationSingleUser): the handler
# checks the secret with DescribeSecret and dispatches the four steps. Coffer runs it unmodified, as a Lambda.
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def lambda_handler(event, context):
    arn = event['SecretId']
    token = event['ClientRequestToken']
    step = event['Step']
    logger.info("%s: %s for %s (request %s, %d ms left)", context.function_name, step, arn, context.aws_request_id, context.get_remaining_time_in_millis())

    service_client = boto3.client('secretsmanager', endpoint_url=os.environ['SECRETS_MANAGER_ENDPOINT'])

    # Make sure the version is staged correctly
    metadata = service_client.describe_secret(SecretId=arn)
    if "RotationEnabled" in metadata and not metadata['RotationEnabled']:
        logger.error("Secret %s is not enabled for rotation" % arn)
        raise ValueError("Secret %s is not enabled for rotation" % arn)
    versions = metadata['VersionIdsToStages']
    if token not in versions:
        logger.error("Secret version %s has no stage for rotation of secret %s." % (token, arn))
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        logger.info("Secret version %s already set as AWSCURRENT for secret %s." % (token, arn))
        return
    elif "AWSPENDING" not in versions[token]:
        logger.error("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))

    if step == "createSecret":
        create_secret(service_client, arn, token)
    elif step == "setSecret":
        set_secret(service_client, arn, token)
    elif step == "testSecret":
        test_secret(service_client, arn, token)
    elif step == "finishSecret":
        finish_secret(service_client, arn, token)
    else:
        logger.error("lambda_handler: Invalid step parameter %s for secret %s" % (step, arn))
        raise ValueError("Invalid step parameter %s for secret %s" % (step, arn))


def create_secret(service_client, arn, token):
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    try:
        get_secret_dict(service_client, arn, "AWSPENDING", token)
        logger.info("createSecret: Successfully retrieved secret for %s." % arn)
    except service_client.exceptions.ResourceNotFoundException:
        exclude_characters = os.environ['EXCLUDE_CHARACTERS'] if 'EXCLUDE_CHARACTERS' in os.environ else '/@"\'\\'
        passwd = service_client.get_random_password(ExcludeCharacters=exclude_characters)
        current_dict['password'] = passwd['RandomPassword']
        service_client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current_dict), VersionStages=['AWSPENDING'])
        logger.info("createSecret: Successfully put secret for ARN %s and version %s." % (arn, token))


def set_secret(service_client, arn, token):
    current_dict = get_secret_dict(service_client, arn, "AWSCURRENT")
    pending_dict = get_secret_dict(service_client, arn, "AWSPENDING", token)
    conn = get_connection(pending_dict)
    if conn:
        conn.close()
        logger.info("setSecret: AWSPENDING secret is already set as password in database for secret arn %s." % arn)
        return
    if current_dict['username'] != pending_dict['username']:
        raise ValueError("Attempting to modify user %s other than current user %s" % (pending_dict['username'], current_dict['username']))
    conn = get_connection(current_dict)
    if not conn:
        previous_dict = get_secret_dict(service_client, arn, "AWSPREVIOUS")
        conn = get_connection(previous_dict)
        if not conn:
            raise ValueError("Unable to log into database with previous, current, or pending secret of secret arn %s" % arn)
    try:
        change_password(conn, pending_dict)
        logger.info("setSecret: Successfully set password for user %s in database for secret arn %s." % (pending_dict['username'], arn))
    finally:
        conn.close()


def test_secret(service_client, arn, token):
    conn = get_connection(get_secret_dict(service_client, arn, "AWSPENDING", token))
    if not conn:
        raise ValueError("Unable to log into database with pending secret of secret ARN %s" % arn)
    try:
        cur = conn.cursor()
        cur.execute("SELECT NOW()")
        conn.commit()
        logger.info("testSecret: Successfully signed into database with AWSPENDING secret in %s." % arn)
    finally:
        conn.close()


def finish_secret(service_client, arn, token):
    metadata = service_client.describe_secret(SecretId=arn)
    current_version = None
    for version in metadata["VersionIdsToStages"]:
        if "AWSCURRENT" in metadata["VersionIdsToStages"][version]:
            if version == token:
                logger.info("finishSecret: Version %s already marked as AWSCURRENT for %s" % (version, arn))
                return
            current_version = version
            break
    service_client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current_version)
    logger.info("finishSecret: Successfully set AWSCURRENT stage to version %s for secret %s." % (token, arn))


def get_connection(secret_dict):
    """A connection as the secret's user, or None when the password is refused (the templates' contract)."""
    port = int(secret_dict['port'])
    if secret_dict['engine'] == 'postgres':
        import psycopg2
        try:
            return psycopg2.connect(host=secret_dict['host'], user=secret_dict['username'], password=secret_dict['password'],
                                    dbname=secret_dict.get('dbname', 'postgres'), port=port, connect_timeout=5)
        except psycopg2.OperationalError:
            return None
    import pymysql
    try:
        return pymysql.connect(host=secret_dict['host'], user=secret_dict['username'], password=secret_dict['password'],
                               database=secret_dict.get('dbname'), port=port, connect_timeout=5)
    except pymysql.OperationalError:
        return None


def change_password(conn, pending_dict):
    cur = conn.cursor()
    if pending_dict['engine'] == 'postgres':
        from psycopg2 import sql
        cur.execute(sql.SQL("ALTER USER {} WITH PASSWORD %s").format(sql.Identifier(pending_dict['username'])), (pending_dict['password'],))
    else:
        # as AWS's MySQL and MariaDB templates: MariaDB (and MySQL 5.6) hash through PASSWORD(); the own account needs no privilege
        cur.execute("SELECT VERSION()")
        version = cur.fetchone()[0]
        if 'MariaDB' in version or version.startswith('5.6'):
            cur.execute("SET PASSWORD = PASSWORD(%s)", pending_dict['password'])
        else:
            cur.execute("ALTER USER %s IDENTIFIED BY %s", (pending_dict['username'], pending_dict['password']))
    conn.commit()


def get_secret_dict(service_client, arn, stage, token=None):
    required_fields = ['host', 'username', 'password', 'engine', 'port']
    if token:
        secret = service_client.get_secret_value(SecretId=arn, VersionId=token, VersionStage=stage)
    else:
        secret = service_client.get_secret_value(SecretId=arn, VersionStage=stage)
    secret_dict = json.loads(secret['SecretString'])
    for field in required_fields:
        if field not in secret_dict:
            raise KeyError("%s key is missing from secret JSON" % field)
    if secret_dict['engine'] not in ('postgres', 'mysql', 'mariadb'):
        raise KeyError("Database engine must be set to 'postgres', 'mysql' or 'mariadb' in order to use this rotation lambda")
    return secret_dict
