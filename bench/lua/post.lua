-- POST a body built from a template file: every "{{N}}" becomes a token unique to this
-- request ("<run>-<thread>-<n>", n spelled "1x2x"), so stored rows can be counted against acknowledged ones.
-- Arguments: <template file> <content type> <run tag> <ok statuses, e.g. 201,202> [header ...]
-- A header argument "@<file>" names a file of identities, one per line, each a tab-separated
-- list of "Name: value" headers (a reader's session cookie, CSRF token, address); requests
-- take them in turn, as many readers posting at once would.
-- A response whose status is in the ok list counts as acknowledged; anything else as failed.

local threads = {}
local counter = 0

setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  local file = assert(io.open(args[1], "r"))
  template = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = args[2]
  run_tag = args[3]
  ok = {}
  for status in args[4]:gmatch("%d+") do ok[tonumber(status)] = true end
  identities = {}
  for i = 5, #args do
    if args[i]:sub(1, 1) == "@" then
      for line in io.lines(args[i]:sub(2)) do
        local headers = {}
        for header in line:gmatch("[^\t]+") do
          local name, value = header:match("^([^:]+):%s*(.*)$")
          if name then headers[name] = value end
        end
        table.insert(identities, headers)
      end
    else
      local name, value = args[i]:match("^([^:]+):%s*(.*)$")
      if name then wrk.headers[name] = value end
    end
  end
  acked, failed = 0, 0
end

request = function()
  counter = counter + 1
  -- "1x1x1x" rather than "111": screening folds stretched characters ("1111" reads as "1"),
  -- which made two posts of one reader look like the same comment posted twice.
  local spelled = (tostring(counter):gsub("(%d)", "%1x"))
  local token = run_tag .. "-" .. tid .. "-" .. spelled
  local body = template:gsub("{{N}}", token)
  if #identities == 0 then
    return wrk.format(nil, nil, nil, body)
  end
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for name, value in pairs(identities[((counter + tid * 7919) % #identities) + 1]) do headers[name] = value end
  return wrk.format(nil, nil, headers, body)
end

response = function(status, headers, body)
  if ok[status] then acked = acked + 1 else failed = failed + 1 end
end

done = function(summary, latency, requests)
  local total_acked, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_acked = total_acked + thread:get("acked")
    total_failed = total_failed + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d,"acked":%d,"failed":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, total_acked, total_failed))
end
