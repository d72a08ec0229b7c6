-- Feeds an attempt's outcome to the subscription's circuit breaker: a success resets the count
-- and closes an open circuit; a failure counts and opens it at the threshold.
--
-- KEYS[1] subscription (hash)
-- ARGV[1] ok (1/0)
-- ARGV[2] threshold (0: never open)
-- ARGV[3] now, ms
-- ARGV[4] next probe, ms
-- ARGV[5] now, ISO
-- Returns 'opened', 'closed' or ''

if redis.call('EXISTS', KEYS[1]) == 0 then return '' end
local open = redis.call('HGET', KEYS[1], 'circuitState') == 'open'
if ARGV[1] == '1' then
  if redis.call('HGET', KEYS[1], 'failedAttempts') ~= '0' then redis.call('HSET', KEYS[1], 'failedAttempts', '0') end
  if open then
    redis.call('HSET', KEYS[1], 'circuitState', '', 'circuitOpenedAt', '', 'circuitProbeAt', '')
    return 'closed'
  end
  return ''
end
local n = redis.call('HINCRBY', KEYS[1], 'failedAttempts', 1)
local threshold = tonumber(ARGV[2])
if not open and threshold > 0 and n >= threshold then
  redis.call('HSET', KEYS[1], 'circuitState', 'open', 'circuitOpenedAt', ARGV[5], 'circuitProbeAt', ARGV[4])
  return 'opened'
end
return ''
