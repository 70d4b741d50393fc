-- wrk script: GET /api/v1/products/{id} with an id drawn at random from a file of ids, one a line
-- (wrk ... -s products.lua URL -- IDS_FILE); prints p50/p99 and failures like stats.lua.
local ids = {}

init = function(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  math.randomseed(os.time() + #ids + math.floor(os.clock() * 1e6))
end

request = function()
  return wrk.format("GET", "/api/v1/products/" .. ids[math.random(#ids)])
end

done = function(summary, latency, requests)
  io.write(string.format("p50=%.1fms p99=%.1fms non2xx_or_errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
