-- wrk script: replays pre-signed Standard Webhooks requests, each with its own webhook-id.
-- BENCH_REQUESTS_FILE holds the body on its first line, then one "id timestamp signature" per
-- line; thread n of N (args: path, N) takes lines n, n+N, … so no id is sent twice (the file must
-- hold more lines than the run sends). done() prints one JSON line; non2xx counts statuses ≥ 400.
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local lines, body, index, path, step

function init(args)
  path = args[1] or "/"
  step = tonumber(args[2] or "1")
  local file = assert(io.open(os.getenv("BENCH_REQUESTS_FILE"), "r"))
  body = file:read("*l")
  lines = {}
  local n = 0
  for line in file:lines() do
    n = n + 1
    if (n - tid) % step == 0 then lines[#lines + 1] = line end
  end
  file:close()
  index = 0
end

function request()
  index = index + 1
  local line = lines[index]
  if line == nil then
    index = 1
    line = lines[1]
  end
  local id, ts, sig = line:match("^(%S+) (%S+) (%S+)$")
  return wrk.format("POST", path, {
    ["content-type"] = "application/json",
    ["webhook-id"] = id,
    ["webhook-timestamp"] = ts,
    ["webhook-signature"] = "v1," .. sig,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"non2xx":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
