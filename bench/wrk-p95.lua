-- Prints wrk's own latency percentiles (microseconds) as JSON after the run.
done = function(summary, latency, requests)
  io.write(string.format('{"requests":%d,"durationUs":%d,"meanUs":%f,"p50Us":%d,"p95Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
