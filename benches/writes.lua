-- wrk script: creates records as fast as the server takes them, each with a new UUID v7,
-- as phones do, for several conseillers in turn (their session cookies, space-separated).
-- With READ=1, an authenticated read instead (`GET /api/moi`: the session, then the
-- profile): what one logged-in request costs, with nothing written.
-- Usage (scripts/bench.sh sets it up):
--   COOKIES="conum_session=… conum_session=…" wrk -t2 -c32 -d10s -s benches/writes.lua http://127.0.0.1:8080
local counter = 0
local threads = {}
-- `thread_id` is a global each thread receives from `setup` (`thread:set`): a local of the
-- same name would hide it, and both threads would then send the same ids (half of the
-- saves answered as retries).

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

-- Lua's clock has whole seconds only: the 12 bits after the time count the thread's saves
-- within its second (RFC 9562's "dedicated counter", as generators do within a millisecond),
-- so that the ids grow as phones' do. Random bits there spread each second's saves over the
-- whole second's range of every index keyed by the id, a page written per record or so.
local second, in_second = 0, 0

local function uuid_v7()
  counter = counter + 1
  local now = os.time()
  if now ~= second then
    second, in_second = now, 0
  end
  in_second = in_second + 1
  local hex_ms = string.format("%012x", now * 1000)
  local rand_a = string.format("%03x", math.min(in_second, 4095))
  local rand_b = string.format("%04x", 0x8000 + (counter % 0x3fff))
  local node = string.format("%04x%08x", thread_id, counter)
  return hex_ms:sub(1, 8) .. "-" .. hex_ms:sub(9, 12) .. "-7" .. rand_a .. "-" .. rand_b .. "-" .. node
end

local today = os.getenv("TODAY") or os.date("%Y-%m-%d")
local read = os.getenv("READ") == "1"
local cookies = {}
for cookie in string.gmatch(os.getenv("COOKIES") or "", "%S+") do
  table.insert(cookies, cookie)
end

function request()
  if read then
    counter = counter + 1
    return wrk.format("GET", "/api/moi", { ["cookie"] = cookies[counter % #cookies + 1] })
  end
  local body = '{"id":"' .. uuid_v7() .. '","date":"' .. today .. '","activite":"individuel",' ..
    '"participants":1,"commune":{"insee":"69123","nom":"Lyon","code_postal":"69001"},' ..
    '"canal":"rattachement","ages":{"plus_60":1},"statuts":{"retraite":1},' ..
    '"thematiques":["courriel"],"duree_minutes":30}'
  local cookie = cookies[(counter + thread_id) % #cookies + 1]
  return wrk.format("POST", "/api/accompagnements",
    { ["content-type"] = "application/json", ["cookie"] = cookie }, body)
end

function done(summary, latency, requests)
  io.write(string.format((read and "reads" or "creates") .. ": %d, errors: %d (status %d), %.0f/s, p50 %.1f ms, p99 %.1f ms\n",
    summary.requests, summary.errors.status, summary.errors.status,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
