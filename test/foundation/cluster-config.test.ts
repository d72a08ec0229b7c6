/**
 * Pointing the gateway at a Redis Cluster: REDIS_CLUSTER_NODES / redis.cluster parsed into the
 * target every connection uses, bad input refused with a message naming the setting, and the
 * secrets kept out of what the gateway prints. (The cluster itself runs in `npm run test:cluster`.)
 */
import { parseConfig, ConfigError } from '../../server/config';
import { resolveRedis } from '../../server/embedded-redis';
import { redactUrl } from '../../server/redis';
import { hashTag } from '../../server/messages/follower';

describe('Redis Cluster configuration', () => {
  it('REDIS_CLUSTER_NODES (and REDIS_CLUSTER_PASSWORD) make the target a cluster of those seed nodes', async () => {
    const config = parseConfig(
      {},
      { REDIS_CLUSTER_NODES: '10.0.0.1:6379, redis-b.internal:7000,[::1]:7001', REDIS_CLUSTER_PASSWORD: 's3cret' },
    );
    const { url, embedded } = await resolveRedis(config, () => undefined);
    expect(embedded).toBeNull();
    expect(url).toEqual({
      cluster: {
        nodes: [
          { host: '10.0.0.1', port: 6379 },
          { host: 'redis-b.internal', port: 7000 },
          { host: '::1', port: 7001 },
        ],
        password: 's3cret',
      },
    });
    expect(redactUrl(url)).toBe('cluster 10.0.0.1:6379,redis-b.internal:7000,::1:7001');
  });

  it('redis.cluster in the file takes username, password and TLS options', () => {
    const config = parseConfig(
      {
        redis: {
          cluster: {
            nodes: ['a:1', 'b:2'],
            username: 'oc',
            password: 'p',
            tls: { servername: 'redis.example', rejectUnauthorized: false },
          },
        },
      },
      {},
    );
    expect(config.redis.cluster).toEqual({
      nodes: ['a:1', 'b:2'],
      username: 'oc',
      password: 'p',
      tls: { servername: 'redis.example', rejectUnauthorized: false },
    });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'redis-a' }, /REDIS_CLUSTER_NODES: 'redis-a' is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:6379,b:99999' }, /REDIS_CLUSTER_NODES: 'b:99999' is not host:port/],
    [
      { REDIS_CLUSTER_NODES: 'a:6379', REDIS_URL: 'redis://127.0.0.1:6379' },
      /redis\.cluster and redis\.url \(REDIS_URL\) are both set/,
    ],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => parseConfig({}, env)).toThrow(ConfigError);
    expect(() => parseConfig({}, env)).toThrow(message);
  });

  it('refuses redis.cluster without nodes or with an unknown option', () => {
    expect(() => parseConfig({ redis: { cluster: { nodes: [] } } }, {})).toThrow(/redis\.cluster\.nodes/);
    expect(() => parseConfig({ redis: { cluster: { nodes: ['a:1'], db: 2 } } }, {})).toThrow(/db/);
  });

  it('the follower groups streams by the hash tag that decides their slot', () => {
    expect(hashTag('oc:msg:{msg_abc}:ev')).toBe('msg_abc');
    expect(hashTag('oc:msg:{}:ev')).toBe('oc:msg:{}:ev');
    expect(hashTag('plain')).toBe('plain');
  });
});
