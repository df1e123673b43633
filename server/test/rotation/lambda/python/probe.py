# Reports what Coffer's Python runtime gave the handler (event, context, environment) through the client it
# builds as a Lambda would: as a new version of the secret, labelled PROBE.
import json
import os

import boto3

NAMES = ['MY_SETTING', 'SECRETS_MANAGER_ENDPOINT', 'AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL', 'AWS_REGION',
         'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'LAMBDA_TASK_ROOT', '_HANDLER']


def handler(event, context):
    client = boto3.client('secretsmanager', endpoint_url=os.environ['SECRETS_MANAGER_ENDPOINT'])
    seen = {
        'event': event,
        'functionName': context.function_name,
        'functionVersion': context.function_version,
        'invokedFunctionArn': context.invoked_function_arn,
        'memoryLimitInMB': context.memory_limit_in_mb,
        'awsRequestId': context.aws_request_id,
        'logGroupName': context.log_group_name,
        'logStreamName': context.log_stream_name,
        'remainingMs': context.get_remaining_time_in_millis(),
        'env': {name: os.environ.get(name) for name in NAMES},
    }
    client.put_secret_value(SecretId=event['SecretId'], SecretString=json.dumps(seen), VersionStages=['PROBE'])
