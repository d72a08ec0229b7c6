-- Edits a workspace's allowlist: removes first, then appends entries not yet present, keeping
-- the existing order.
--
-- KEYS[1] workspace record (hash; field allowlist holds a JSON array)
-- ARGV[1] entries to add (JSON array)
-- ARGV[2] entries to remove (JSON array)
-- Returns the new allowlist as JSON; nil when the workspace is gone

local raw = redis.call('HGET', KEYS[1], 'allowlist')
if not raw then return nil end
local current = cjson.decode(raw)
local add = cjson.decode(ARGV[1])
local remove = cjson.decode(ARGV[2])
local drop = {}
for _, e in ipairs(remove) do drop[e] = true end
local seen = {}
local nextList = {}
for _, e in ipairs(current) do
  if not drop[e] and not seen[e] then table.insert(nextList, e); seen[e] = true end
end
for _, e in ipairs(add) do
  if not drop[e] and not seen[e] then table.insert(nextList, e); seen[e] = true end
end
local encoded = '[]'
if #nextList > 0 then encoded = cjson.encode(nextList) end
redis.call('HSET', KEYS[1], 'allowlist', encoded)
return encoded
