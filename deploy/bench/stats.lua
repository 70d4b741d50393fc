-- wrk script: plain GETs; prints p50/p99 and failures.
done = function(summary, latency, requests)
  io.write(string.format("p50=%.1fms p99=%.1fms non2xx_or_errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
