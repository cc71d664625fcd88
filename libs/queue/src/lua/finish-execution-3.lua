--[[
  Ends a run once: writes the terminal fields unless the run already ended. The attempt that
  led here, if given, is logged either way (it happened), in the same step.
  KEYS[1] execution hash
  KEYS[2] instance execution index (zset, score = createdAt ms)
  KEYS[3] attempt log (list of JSON attempt records)
  ARGV[1] ttl seconds      ARGV[2] executionId      ARGV[3] createdAt ms
  ARGV[4] attempt record JSON, or '' for none
  ARGV[5..] fields and values, flattened (must include status)
  Returns: 1 finished now, 0 already terminal (FinishResult)
]]
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[3], ARGV[4])
  redis.call('EXPIRE', KEYS[3], ARGV[1])
end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'success' or status == 'failed' then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
