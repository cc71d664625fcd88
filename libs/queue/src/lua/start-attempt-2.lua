--[[
  Records that an attempt of a run is starting, unless the run already ended (a stalled job
  run twice, or a callback that came first), in which case nothing is written.
  KEYS[1] execution hash
  KEYS[2] instance execution index (zset, score = createdAt ms)
  ARGV[1] ttl seconds      ARGV[2] executionId      ARGV[3] createdAt ms
  ARGV[4] startedAt (ISO)
  ARGV[5..] fields and values, flattened (the run's base fields, status, attempts)
  Returns: 1 started, 0 already terminal (StartResult)
]]
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'success' or status == 'failed' then
  return 0
end
redis.call('HSET', KEYS[1], 'startedAt', ARGV[4], unpack(ARGV, 5))
redis.call('HSETNX', KEYS[1], 'firstStartedAt', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
