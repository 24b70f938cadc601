-- Connections are stored once per unordered pair (chain_a < chain_b); reading a chain's links from the chain_b
-- side needs its own index, or the join scans every memory (a user's memories page with 10,000 memories: 30 ms).
CREATE INDEX IF NOT EXISTS memory_connections_b ON memory_connections(chain_b);
