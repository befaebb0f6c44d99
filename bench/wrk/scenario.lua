-- Load scenarios for wrk, one per run: the wrk twin of bench/locustfile.py.
--
-- Environment (the same variables as the locustfile, plus a few):
--   BENCH_SCENARIO       get_member | search | search_prefix | create
--   BENCH_TOKEN          a bearer token (bench/run.py signs in once and passes it)
--   BENCH_IDS            file of seeded member ids, one a line (get_member)
--   BENCH_TERMS          file of search terms, one a line, UTF-8 (search, search_prefix)
--   BENCH_ORGS           file of grassroots organisation ids, one a line (create)
--   BENCH_NAMES          file of member names to reuse, one a line (create; a few built-in ones if absent)
--   BENCH_SERIAL_START   first serial of the fresh ID numbers (create; random if unset)
--   BENCH_RANDOM_SEED    seed of each thread's random numbers (plus the thread's index; default 20240501)
--   BENCH_EXPECT         the status that counts as success (default 201 for create, 200 otherwise)
--
-- Run by bench/run.py; by hand, for example:
--   BENCH_SCENARIO=get_member BENCH_TOKEN=... BENCH_IDS=/tmp/bench-var/ids.txt \
--       wrk -t 2 -c 10 -d 30s --latency -s bench/wrk/scenario.lua http://127.0.0.1:8600
--
-- Each wrk thread loads this file into its own Lua state; setup() and done() run in a third one.

local scenario = os.getenv("BENCH_SCENARIO") or "get_member"
local token = os.getenv("BENCH_TOKEN") or ""
local expect = tonumber(os.getenv("BENCH_EXPECT") or "") or (scenario == "create" and 201 or 200)

local function lines(variable)
  local path = os.getenv(variable)
  local out = {}
  if not path or path == "" then
    return out
  end
  local fh = io.open(path, "r")
  if not fh then
    return out
  end
  for line in fh:lines() do
    line = line:gsub("^%s+", ""):gsub("%s+$", "")
    if line ~= "" then
      out[#out + 1] = line
    end
  end
  fh:close()
  return out
end

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local function pick(list)
  return list[math.random(#list)]
end

local get_headers = { ["Authorization"] = "Bearer " .. token }
local post_headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

-- ---------------------------------------------------------------- fresh, valid, unique members

-- GB 11643-1999: the check character of the first 17 digits.
local WEIGHTS = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
local CHECK = "10X98765432"

local function check_char(first17)
  local total = 0
  for i = 1, 17 do
    total = total + (first17:byte(i) - 48) * WEIGHTS[i]
  end
  local k = total % 11 + 1
  return CHECK:sub(k, k)
end

-- A region the seeding (370781) and the locustfile (440305) never use; a birth date
-- that moves on one day every 1,000 serials; serials interleaved between threads
-- (serial = start + counter * 16 + thread index), so no two requests share a number.
local REGION = "440306"
local MAX_THREADS = 16
local DAY = 86400
local FIRST_BIRTHDAY = os.time({ year = 1955, month = 1, day = 1, hour = 12 })
local FIRST_JOINED = os.time({ year = 2005, month = 1, day = 1, hour = 12 })
local OCCUPATIONS = { "快递员", "外卖骑手", "网约车司机", "货车司机", "焊工", "电工", "护工", "保洁员", "教师", "车工" }
local FORMS = { "standard", "new_form" }
local FALLBACK_NAMES = { "王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "黄丽", "吴强", "赵军", "周杰" }

local function id_number(serial)
  local born = os.date("%Y%m%d", FIRST_BIRTHDAY + math.floor(serial / 1000) * DAY)
  local first17 = string.format("%s%s%03d", REGION, born, serial % 1000)
  return first17 .. check_char(first17)
end

local function mobile()
  return string.format("1%d%09d", math.random(3, 9), math.random(0, 999999999))
end

-- ---------------------------------------------------------------- per thread

local ids, terms, orgs, names = {}, {}, {}, {}
local counter, serial_start = 0, 0
local expected = {}
-- Globals, so that done() can read them through thread:get().
statuses, samples, unexpected = {}, {}, 0

-- thread_index is set by setup() in the thread's state before init() runs.
thread_index = thread_index or 0

function init(args)
  local seed = tonumber(os.getenv("BENCH_RANDOM_SEED") or "") or 20240501
  math.randomseed(seed + 7919 * thread_index)
  if thread_index >= MAX_THREADS then
    error("at most " .. MAX_THREADS .. " wrk threads (the ID-number serials interleave between them)")
  end
  if scenario == "get_member" then
    ids = lines("BENCH_IDS")
    if #ids == 0 then
      error("BENCH_IDS must name a file of member ids for the get_member scenario")
    end
    -- Pre-built paths: request() only picks one.
    for i, id in ipairs(ids) do
      ids[i] = "/api/v1/members/" .. id
    end
  elseif scenario == "search" or scenario == "search_prefix" then
    terms = lines("BENCH_TERMS")
    if #terms == 0 then
      error("BENCH_TERMS must name a file of search terms for the " .. scenario .. " scenario")
    end
    for i, term in ipairs(terms) do
      terms[i] = "/api/v1/members?q=" .. urlencode(term)
    end
  elseif scenario == "create" then
    orgs = lines("BENCH_ORGS")
    if #orgs == 0 then
      error("BENCH_ORGS must name a file of organisation ids for the create scenario")
    end
    names = lines("BENCH_NAMES")
    if #names == 0 then
      names = FALLBACK_NAMES
    end
    serial_start = tonumber(os.getenv("BENCH_SERIAL_START") or "") or (math.random(0, 9999) * 1000)
  else
    error("unknown BENCH_SCENARIO " .. scenario)
  end
  expected[expect] = true
end

local function fresh_member()
  local serial = serial_start + counter * MAX_THREADS + thread_index
  counter = counter + 1
  return "{" .. table.concat({
    '"name":' .. json_string(pick(names)),
    '"id_number":"' .. id_number(serial) .. '"',
    '"phone":"' .. mobile() .. '"',
    '"organisation_id":"' .. pick(orgs) .. '"',
    '"employment_form":"' .. pick(FORMS) .. '"',
    '"occupation":' .. json_string(pick(OCCUPATIONS)),
    '"joined_on":"' .. os.date("%Y-%m-%d", FIRST_JOINED + math.random(0, 5999) * DAY) .. '"',
  }, ",") .. "}"
end

function request()
  if scenario == "get_member" then
    return wrk.format("GET", pick(ids), get_headers)
  elseif scenario == "create" then
    return wrk.format("POST", "/api/v1/members", post_headers, fresh_member())
  end
  return wrk.format("GET", pick(terms), get_headers)
end

-- Counts every status that is not the expected one, and keeps the first few bodies.
function response(status, headers, body)
  if not expected[status] then
    unexpected = unexpected + 1
    statuses[status] = (statuses[status] or 0) + 1
    if #samples < 3 then
      samples[#samples + 1] = status .. " " .. (body or ""):sub(1, 200):gsub("%s+", " ")
    end
  end
end

-- ---------------------------------------------------------------- setup and done (their own state)

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

-- After wrk's own summary: one line bench/run.py reads, plus a few samples of what went wrong.
function done(summary, latency, requests)
  local total, by_status, kept = 0, {}, {}
  for _, thread in ipairs(threads) do
    total = total + (thread:get("unexpected") or 0)
    for status, n in pairs(thread:get("statuses") or {}) do
      by_status[status] = (by_status[status] or 0) + n
    end
    for _, sample in ipairs(thread:get("samples") or {}) do
      if #kept < 5 then
        kept[#kept + 1] = sample
      end
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do
    parts[#parts + 1] = status .. "=" .. n
  end
  table.sort(parts)
  io.write(string.format("bench: unexpected status %d (expected %d) %s\n", total, expect, table.concat(parts, " ")))
  for _, sample in ipairs(kept) do
    io.write("bench: sample " .. sample .. "\n")
  end
end
