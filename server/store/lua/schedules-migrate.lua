-- Moves schedules stored before ids were per workspace to their workspace's keys. Every key
-- is in the {sched} slot (named here from the prefix, as BullMQ's scripts do), so the whole move
-- is one atomic step: gateways starting together move them once.
--
-- KEYS[1] the legacy set of ids
-- KEYS[2] the set of refs (<workspace>/<id>)
-- Returns {id, workspace, id, workspace, ...} of the moved ones (their job schedulers move next)

local moved = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local old = 'oc:{sched}:s:' .. id
  local ws = redis.call('HGET', old, 'workspace')
  if ws then
    local ref = ws .. '/' .. id
    redis.call('RENAME', old, 'oc:{sched}:s:' .. ref)
    if redis.call('EXISTS', 'oc:{sched}:runs:' .. id) == 1 then redis.call('RENAME', 'oc:{sched}:runs:' .. id, 'oc:{sched}:runs:' .. ref) end
    redis.call('SADD', KEYS[2], ref)
    if redis.call('HGET', 'oc:{sched}:s:' .. ref, 'source') == 'api' then redis.call('SADD', 'oc:{sched}:api:' .. ws, id) end
    table.insert(moved, id)
    table.insert(moved, ws)
  end
  redis.call('SREM', KEYS[1], id)
end
return moved
