-- Rejected flows by source address: who keeps knocking on what the security groups and NACLs refuse.
SELECT srcaddr, COUNT(*) AS rejected_flows, COUNT(DISTINCT dstport) AS distinct_ports
FROM vpc_flow_logs
WHERE action = 'REJECT'
GROUP BY srcaddr
ORDER BY rejected_flows DESC, srcaddr
