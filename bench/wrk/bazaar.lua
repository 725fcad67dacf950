-- wrk script of bench/run.sh. One mode per run, from the environment:
--   BENCH_MODE     sale | hot | batch10 | point | page | alive
--   BENCH_TOKEN    the access token (Bearer) for every request but alive
--   BENCH_STORES, BENCH_PRODUCTS   the seeded dataset (bench/seed.sql numbers the ids)
--   BENCH_OUT      file the summary is written to, as one JSON object
--   BENCH_DELAY_MS optional: each connection pauses before each request, a random time with this
--                  mean (exponential, so the connections send independently, as tills do). The
--                  latencies wrk reports start when the request is sent, after the pause.
-- Rows are numbered store-major (k → store k % S + 1, product k / S % P + 1). Each wrk thread walks
-- its own slice of rows one request after the other, so requests in flight never share a row (a
-- slice is far longer than the connections a thread holds): "disjoint products". hot: always row 0.
local mode = os.getenv("BENCH_MODE") or "alive"
local token = os.getenv("BENCH_TOKEN") or ""
local stores = tonumber(os.getenv("BENCH_STORES") or "1")
local products = tonumber(os.getenv("BENCH_PRODUCTS") or "1")
local out = os.getenv("BENCH_OUT")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

if delay_ms > 0 then
  function delay() return -delay_ms * math.log(1 - math.random()) end
end

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local function id(kind, n)
  return string.format("%08d-0000-4000-8000-%012d", kind, n)
end

local function store_of(k) return id(0, k % stores + 1) end
local function product_of(k) return id(1, math.floor(k / stores) % products + 1) end

local k, slice_start, slice_len
local headers = {}

function init(args)
  slice_len = math.floor(stores * products / next_tid_count())
  slice_start = tid * slice_len
  k = 0
  math.randomseed(os.time() * 16 + tid) -- each thread's own pauses
  headers["Content-Type"] = "application/json"
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
end

-- wrk runs init in each thread's own Lua state after setup has set "tid"; the thread count is
-- passed the same way (setup cannot know it in advance), see done's caller in run.sh.
function next_tid_count()
  return tonumber(os.getenv("BENCH_THREADS") or "1")
end

-- The first of n consecutive rows of this thread's slice; the next call starts after them.
local function rows(n)
  if k + n > slice_len then k = 0 end
  local r = slice_start + k
  k = k + n
  return r
end

local function row() return rows(1) end

local function line(kind, r)
  return string.format('{"kind":"%s","storeId":"%s","productId":"%s","quantity":1}', kind, store_of(r), product_of(r))
end

function request()
  if mode == "alive" then
    return wrk.format("GET", "/alive")
  elseif mode == "sale" or mode == "hot" then
    local r = 0
    if mode == "sale" then r = row() end
    local body = string.format('{"storeId":"%s","productId":"%s","quantity":1}', store_of(r), product_of(r))
    return wrk.format("POST", "/api/stock/sale", headers, body)
  elseif mode == "batch10" then
    local lines = {}
    local first = rows(10) -- ten consecutive rows: ten stores (store-major numbering)
    for i = 0, 9 do lines[#lines + 1] = line("sale", first + i) end
    return wrk.format("POST", "/api/stock/batch", headers, '{"lines":[' .. table.concat(lines, ",") .. ']}')
  elseif mode == "point" then
    local r = row()
    return wrk.format("GET", "/api/stock/current?storeId=" .. store_of(r) .. "&productId=" .. product_of(r), headers)
  elseif mode == "page" then
    local r = row()
    return wrk.format("GET", "/api/stock/current?storeId=" .. store_of(r), headers)
  end
  error("unknown BENCH_MODE " .. mode)
end

function done(summary, latency, requests)
  local e = summary.errors
  local s = string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,' ..
    '"latency_p50_us":%d,"latency_p95_us":%d,"latency_p99_us":%d,"latency_mean_us":%.1f,"latency_max_us":%d}',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max)
  if out then
    local f = assert(io.open(out, "w"))
    f:write(s, "\n")
    f:close()
  else
    io.write(s, "\n")
  end
end
