-- Creates an API subscription unless a workspace it covers already holds `cap` API subscriptions
-- (one counts toward every workspace of its filter, or of its scope when unfiltered; '*' is one
-- bucket): the count and the write in one step, so concurrent creates never pass the cap. The
-- subscription hashes are named from the prefix: all of them are in the {wh} slot.
--
-- KEYS[1] the new subscription (hash)
-- KEYS[2] the set of all subscription ids
-- KEYS[3] the subscriptions' version counter (bumped on every change)
-- ARGV[1] cap per workspace
-- ARGV[2] covered workspaces (JSON array)
-- ARGV[3] subscription hash key prefix
-- ARGV[4] the new id
-- ARGV[5..] field, value, ... of the new subscription
-- Returns 1 created, or {workspace, held} for the first full workspace

local covers = cjson.decode(ARGV[2])
local held = {}
for _, w in ipairs(covers) do held[w] = 0 end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local h = redis.call('HMGET', ARGV[3] .. id, 'source', 'workspaces', 'scope')
  if h[1] == 'api' then
    local list = h[2] and cjson.decode(h[2])
    if type(list) ~= 'table' then list = h[3] and cjson.decode(h[3]) end
    if type(list) == 'table' then
      for _, w in ipairs(list) do if held[w] then held[w] = held[w] + 1 end end
    end
  end
end
for _, w in ipairs(covers) do
  if held[w] >= tonumber(ARGV[1]) then return {w, held[w]} end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('INCR', KEYS[3])
return 1
