-- Roster history (effective-dated): the canonical table roster_changes (data-loaders/contracts/tables.ts), one row
-- per agent and day from which a team, department, role or manager holds. Loaded like every raw table.
CREATE TABLE raw.roster_changes (
  agent_id VARCHAR, effective_from DATE, team VARCHAR, department VARCHAR, role VARCHAR, manager_id VARCHAR,
  previous_team VARCHAR, previous_department VARCHAR,
  _batch_id BIGINT NOT NULL, _record BIGINT, _current BOOLEAN NOT NULL,
  _bad BOOLEAN NOT NULL, _problems STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR, "match" MAP(VARCHAR, VARCHAR))[]
);
