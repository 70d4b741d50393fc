-- wrk script: GET /api/v1/products with a different query each time (two words of the synthetic
-- catalog's vocabulary, one of four sorts), so most requests miss the listing cache and search PostgreSQL.
local adjectives = {"classic", "rustic", "modern", "vintage", "handmade", "organic", "compact", "deluxe", "everyday", "travel",
  "heritage", "nordic", "urban", "coastal", "alpine", "minimal", "bold", "soft", "sturdy", "bright"}
local materials = {"oak", "linen", "wool", "copper", "ceramic", "leather", "cotton", "bamboo", "steel", "walnut",
  "glass", "canvas", "cashmere", "marble", "silk", "brass", "porcelain", "hemp", "cork", "slate"}
local nouns = {"mug", "shirt", "lamp", "chair", "kettle", "notebook", "apron", "bowl", "scarf", "candle", "backpack", "jacket",
  "teapot", "vase", "blanket", "pillow", "skillet", "wallet", "sweater", "planter", "clock", "basket", "towel", "tray", "jug"}
local sorts = {"price", "-price", "relevance", "rating"}
local counter = 0

setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end

init = function(args)
  math.randomseed(os.time() + id * 7919)
end

request = function()
  local q = materials[math.random(#materials)] .. "+" .. nouns[math.random(#nouns)]
  if math.random(3) == 1 then
    q = adjectives[math.random(#adjectives)] .. "+" .. q
  end
  local path = "/api/v1/products?limit=20&q=" .. q .. "&sort=" .. sorts[math.random(#sorts)] ..
    "&minPrice=" .. (math.random(0, 200) * 100)
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("p50=%.1fms p99=%.1fms non2xx_or_errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
