-- Traffic from the private subnets to the internet, by destination. The private subnet IDs are the
-- one parameter, comma-joined (the PrivateSubnetIds export). pkt_dstaddr is the real destination
-- behind the NAT gateway; anything outside the private (RFC 1918) and link-local ranges is the internet.
SELECT pkt_dstaddr AS destination, SUM(bytes) AS total_bytes, COUNT(*) AS flows
FROM vpc_flow_logs
WHERE strpos(?, subnet_id) > 0
  AND flow_direction = 'egress'
  AND action = 'ACCEPT'
  AND NOT regexp_like(pkt_dstaddr, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|169\.254\.)')
GROUP BY pkt_dstaddr
ORDER BY total_bytes DESC, destination
