--[[
  Takes one of a target's concurrency slots, shared by every worker process.
  KEYS[1] slot zset (member executionId, score lease expiry ms)
  ARGV[1] now ms   ARGV[2] limit   ARGV[3] executionId   ARGV[4] lease expiry ms
  Returns: 1 acquired (or already held), 0 all slots busy (AcquireResult)
]]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
-- The key outlives its longest lease, never shortening another worker's.
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) - tonumber(ARGV[1]) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
end
return 1
