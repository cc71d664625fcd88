--[[
  Creates an org key unless the org already has the maximum of active keys.
  KEYS[1] org active-keys zset (member keyId, score expiry ms or +inf)
  KEYS[2] org key record hash
  KEYS[3] key-hash index string (hash → keyId)
  KEYS[4] org all-keys set
  ARGV[1] now (ms)          ARGV[2] max active keys
  ARGV[3] keyId             ARGV[4] expiry score (ms or 'inf')
  ARGV[5..] record fields and values, flattened
  Returns: 1 created, 0 limit reached (CreateOrgKeyResult)
]]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('HSET', KEYS[2], unpack(ARGV, 5))
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[3])
return 1
