-- wrk script for write endpoints: POSTs a JSON body built per request from a template in which {id} becomes an id
-- unique across threads and runs. Set by environment: LOAD_PATH, LOAD_BODY, LOAD_AUTH (the Authorization header).
local counter = 0
local threads = 0
local run = os.getenv("LOAD_RUN") or tostring(os.time())
local path = os.getenv("LOAD_PATH")
local template = os.getenv("LOAD_BODY")
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = os.getenv("LOAD_AUTH") }

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  tid = wrk.thread:get("tid")
end

function request()
  counter = counter + 1
  local id = run .. "-" .. tid .. "-" .. counter
  local body = string.gsub(template, "{id}", id)
  return wrk.format("POST", path, headers, body)
end
