-- Records a schedule run: replaces the entry with the same runId (running -> finished) or
-- prepends it, trimming the list, counting new runs and keeping lastRun on the record.
--
-- KEYS[1] schedule record (hash)
-- KEYS[2] its runs (list of JSON, newest first)
-- ARGV[1] the run as JSON
-- ARGV[2] its runId
-- ARGV[3] how many runs to keep
-- Returns 1 recorded; 0 when the schedule is gone

if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local run = ARGV[1]
local runId = ARGV[2]
local list = redis.call('LRANGE', KEYS[2], 0, -1)
local found = false
for i, raw in ipairs(list) do
  if cjson.decode(raw)['runId'] == runId then
    redis.call('LSET', KEYS[2], i - 1, run)
    found = true
    break
  end
end
if not found then
  redis.call('LPUSH', KEYS[2], run)
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
  redis.call('HINCRBY', KEYS[1], 'runCount', 1)
end
local newest = redis.call('LINDEX', KEYS[2], 0)
redis.call('HSET', KEYS[1], 'lastRun', newest)
return 1
