# Coffer's Python runtime for Lambda-style rotation functions: one process per step, as
#   python3 bootstrap.py <handler> <request id> <deadline, epoch ms> <function ARN>
# in the function's code directory, with the event as JSON on stdin. It imports the handler's module from
# that directory and calls it with the event and a context shaped like Lambda's. The root logger writes as
# Lambda's does; an exception is printed with its traceback (its type and message last) and exits 1.
import importlib
import json
import logging
import os
import sys
import time
import traceback


class LambdaContext:
    def __init__(self, request_id, deadline_ms, function_arn):
        self.function_name = os.environ.get('AWS_LAMBDA_FUNCTION_NAME', '')
        self.function_version = os.environ.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')
        self.invoked_function_arn = function_arn
        self.memory_limit_in_mb = int(os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '128'))
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get('AWS_LAMBDA_LOG_GROUP_NAME', '')
        self.log_stream_name = os.environ.get('AWS_LAMBDA_LOG_STREAM_NAME', '')
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def lambda_logging(request_id):
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter('[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t' + request_id + '\t%(message)s', '%Y-%m-%dT%H:%M:%S')
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)


def load_handler(spec):
    module_name, _, function_name = spec.rpartition('.')
    try:
        module = importlib.import_module(module_name.replace('/', '.'))
    except Exception as e:
        traceback.print_exc()
        fail('Runtime.ImportModuleError', "Unable to import module '%s': %s" % (module_name, e))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        fail('Runtime.HandlerNotFound', 'Handler %s missing on module %s' % (function_name, module_name))
    return handler


def fail(error_type, message):
    sys.stderr.write('%s: %s\n' % (error_type, message))
    sys.exit(1)


def main():
    spec, request_id, deadline_ms, function_arn = sys.argv[1:5]
    sys.path.insert(0, os.getcwd())
    lambda_logging(request_id)
    handler = load_handler(spec)
    event = json.load(sys.stdin)
    try:
        handler(event, LambdaContext(request_id, int(deadline_ms), function_arn))
    except Exception:
        traceback.print_exc()
        sys.exit(1)


if __name__ == '__main__':
    main()
