-- Adds rows of per-user usage to one workspace-day (and its month). With 7 KEYS the last is the
-- message's marker: nothing is added when it already exists (a retried job, a racing worker).
--
-- KEYS[1] the month's day buckets (hash: "DD" -> packed day totals, "DD|x:<model>" -> unpriced count)
-- KEYS[2] user id -> bit number (hash)
-- KEYS[3] users active that day (bitmap)
-- KEYS[4] users active that month (bitmap)
-- KEYS[5] per-user totals of the day (hash: userId -> packed)
-- KEYS[6] per-user totals of the month (hash: userId -> packed)
-- KEYS[7] optional: the message's marker (string, SET NX with ARGV[1] seconds to live)
-- ARGV[1] the marker's time to live in seconds
-- ARGV[2] the day of month, "DD"
-- ARGV[3] how many rows follow; then per row: userId, messages, errors, tokensIn, tokensOut,
--         costMicros, latencyMs, lastActivityMs; then pairs: unpriced model, messages
-- Returns 1 added; 0 when the marker already existed (counted before)

if #KEYS == 7 and not redis.call('SET', KEYS[7], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local function load(key, field, n)
  local v = {}
  for j = 1, n do v[j] = 0 end
  local packed = redis.call('HGET', key, field)
  if packed then
    local j = 1
    for x in string.gmatch(packed, '[^,]+') do v[j] = tonumber(x); j = j + 1 end
  end
  return v
end
-- %d, not tostring: Lua would write large sums in exponent notation.
local function save(key, field, v)
  local parts = {}
  for j = 1, #v do parts[j] = string.format('%d', v[j]) end
  redis.call('HSET', key, field, table.concat(parts, ','))
end
local d = ARGV[2]
local day = load(KEYS[1], d, 7)
local rows = tonumber(ARGV[3])
local i = 4
for _ = 1, rows do
  local u = ARGV[i]
  local m, e, tin, tout, c, l, t = tonumber(ARGV[i+1]), tonumber(ARGV[i+2]), tonumber(ARGV[i+3]), tonumber(ARGV[i+4]), tonumber(ARGV[i+5]), tonumber(ARGV[i+6]), tonumber(ARGV[i+7])
  day[1] = day[1] + m
  day[2] = day[2] + e
  day[3] = day[3] + tin
  day[4] = day[4] + tout
  day[5] = day[5] + c
  day[6] = day[6] + l
  local bit = redis.call('HGET', KEYS[2], u)
  if not bit then
    bit = redis.call('HLEN', KEYS[2])
    redis.call('HSET', KEYS[2], u, bit)
  end
  if redis.call('SETBIT', KEYS[3], bit, 1) == 0 then day[7] = day[7] + 1 end
  redis.call('SETBIT', KEYS[4], bit, 1)
  for k = 5, 6 do
    local pu = load(KEYS[k], u, 6)
    pu[1] = pu[1] + m
    pu[2] = pu[2] + tin
    pu[3] = pu[3] + tout
    pu[4] = pu[4] + c
    pu[5] = pu[5] + l
    if t > pu[6] then pu[6] = t end
    save(KEYS[k], u, pu)
  end
  i = i + 8
end
save(KEYS[1], d, day)
while i < #ARGV do
  redis.call('HINCRBY', KEYS[1], d .. '|x:' .. ARGV[i], ARGV[i+1])
  i = i + 2
end
return 1
