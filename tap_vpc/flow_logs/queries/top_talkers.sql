-- Top talkers: the source and destination pairs that moved the most bytes, accepted or not.
SELECT srcaddr, dstaddr, SUM(bytes) AS total_bytes, SUM(packets) AS total_packets
FROM vpc_flow_logs
GROUP BY srcaddr, dstaddr
ORDER BY total_bytes DESC, srcaddr, dstaddr
LIMIT 20
