-- Everything to or from one address in a time window. Parameters: the address twice, then the
-- window's start and end in Unix seconds (the records' start and end fields).
SELECT from_unixtime(start) AS started, srcaddr, srcport, dstaddr, dstport, protocol, action, bytes, flow_direction
FROM vpc_flow_logs
WHERE (srcaddr = ? OR dstaddr = ?)
  AND start >= ?
  AND "end" <= ?
ORDER BY start, srcaddr, dstaddr
