// The agent's configuration file: every key of AWS's agent (numbers as numbers or strings, log levels in any
// case), Coffer's two, the defaults, and the errors that stop the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, parseAgentConfig } from './config.ts';

test("reads every key of AWS's agent file, numbers given as numbers or strings", () => {
  const config = parseAgentConfig(
    [
      'log_level = "WARN"',
      'http_address = "127.0.0.2"',
      'http_port = "3773"',
      'ttl_seconds = 60',
      "cache_size = '20'",
      'max_conn = 5',
      'ssrf_headers = ["X-My-Token"]',
      'ssrf_env_variables = ["MY_TOKEN", "AWS_TOKEN"]',
      'path_prefix = "/secrets/"',
      'region = "eu-west-1"',
      'ignore_transient_errors = false',
      'validate_credentials = false',
      'log_to_file = true',
      'max_stale_seconds = 90',
      'change_feed = false',
    ].join('\n'),
  );
  assert.deepEqual(config, {
    logLevel: 'warn',
    httpAddress: '127.0.0.2',
    httpPort: 3773,
    ttlSeconds: 60,
    cacheSize: 20,
    maxConn: 5,
    ssrfHeaders: ['X-My-Token'],
    ssrfEnvVariables: ['MY_TOKEN', 'AWS_TOKEN'],
    pathPrefix: '/secrets/',
    region: 'eu-west-1',
    ignoreTransientErrors: false,
    validateCredentials: false,
    maxStaleSeconds: 90,
    changeFeed: false,
  });
  assert.deepEqual(parseAgentConfig(''), DEFAULT_CONFIG);
  assert.equal(DEFAULT_CONFIG.httpPort, 2773);
  assert.equal(DEFAULT_CONFIG.httpAddress, '127.0.0.1');
  assert.equal(DEFAULT_CONFIG.ttlSeconds, 300);
});

test('refuses what AWS agent refuses', () => {
  const refused: Array<[string, RegExp]> = [
    ['log_level = "loud"', /log_level must be one of debug, info, warn, error, none/],
    ['http_address = "localhost"', /http_address must be an IPv4 address/],
    ['http_port = 1023', /http_port must be 0 or from 1024 to 65535/],
    ['http_port = 65536', /http_port must be 0 or from 1024 to 65535/],
    ['ttl_seconds = -1', /ttl_seconds must be an integer from 0 to 3600/],
    ['cache_size = 1001', /cache_size must be an integer from 1 to 1000/],
    ['max_conn = 0', /max_conn must be an integer from 1 to 1000/],
    ['max_conn = 1.5', /max_conn must be an integer from 1 to 1000/],
    ['ssrf_headers = []', /ssrf_headers must be a non-empty list of strings/],
    ['ssrf_env_variables = "AWS_TOKEN"', /ssrf_env_variables must be a non-empty list of strings/],
    ['path_prefix = "v1/"', /path_prefix must begin with \//],
    ['ignore_transient_errors = "yes"', /ignore_transient_errors must be true or false/],
    ['cache_sise = 10', /unknown configuration key cache_sise/],
    ['ttl_seconds = = 3', /is not valid TOML/],
  ];
  for (const [toml, message] of refused) assert.throws(() => parseAgentConfig(toml), message, toml);
});
