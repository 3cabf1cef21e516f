-- The scheme lab (pipelines/lab): each simulation of a draft scheme version against the scheme in force, over past
-- periods, computed in a scratch schema and kept here so that the management board can show the last ones. Nothing
-- here is a score: the scored and published tables are never touched by a simulation.
CREATE SEQUENCE meta.lab_seq START 1;
CREATE TABLE meta.lab_simulations (
  sim_id BIGINT PRIMARY KEY,
  scheme_id VARCHAR NOT NULL,         -- the scheme in force the draft would become a version of
  draft_version VARCHAR NOT NULL,
  effective_from DATE NOT NULL,       -- the draft's own effective date (the simulation applies it to every period below)
  based_on VARCHAR NOT NULL,          -- the version the draft starts from
  draft_file VARCHAR NOT NULL,
  draft_sha256 VARCHAR NOT NULL,      -- the draft file's bytes
  version_sha256 VARCHAR NOT NULL,    -- the draft as a version definition (what adopting it would store)
  definition JSON NOT NULL,           -- the draft as a full version
  notes VARCHAR,
  periods VARCHAR[] NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  actor VARCHAR NOT NULL,
  seconds DOUBLE NOT NULL,
  result_sha256 VARCHAR NOT NULL,     -- the results below, hashed: the same inputs give the same hash
  adopted_at TIMESTAMPTZ              -- set when `appraisal adopt` writes this draft as a version
);

-- per agent and period: the scheme in force (f_) beside the draft (d_)
CREATE TABLE meta.lab_agents (
  sim_id BIGINT NOT NULL, period VARCHAR NOT NULL, department VARCHAR, agent_id VARCHAR NOT NULL, display_name VARCHAR, team VARCHAR,
  f_ranked BOOLEAN, f_composite DOUBLE, f_rank BIGINT, f_ranked_agents BIGINT, f_grade VARCHAR, f_bottom BOOLEAN,
  d_ranked BOOLEAN, d_composite DOUBLE, d_rank BIGINT, d_ranked_agents BIGINT, d_grade VARCHAR, d_bottom BOOLEAN,
  rank_change BIGINT,                 -- f_rank - d_rank: positive moves up under the draft
  PRIMARY KEY (sim_id, period, agent_id)
);

-- per team and period: mean composite under each, and the bottom group's members
CREATE TABLE meta.lab_teams (
  sim_id BIGINT NOT NULL, period VARCHAR NOT NULL, department VARCHAR, team VARCHAR NOT NULL,
  agents BIGINT, f_mean DOUBLE, d_mean DOUBLE, mean_change DOUBLE, f_bottom BIGINT, d_bottom BIGINT,
  PRIMARY KEY (sim_id, period, team)
);

-- per period and department: how far the rankings agree (agents ranked under both)
CREATE TABLE meta.lab_agreement (
  sim_id BIGINT NOT NULL, period VARCHAR NOT NULL, department VARCHAR,
  ranked_both BIGINT, kendall_tau DOUBLE, top10_overlap BIGINT, top10_size BIGINT,
  entering_bottom BIGINT, leaving_bottom BIGINT, grade_changes BIGINT, mean_abs_rank_change DOUBLE, max_abs_rank_change BIGINT,
  PRIMARY KEY (sim_id, period, department)
);

-- the grade transition matrix: agents with grade f under the scheme in force and grade d under the draft
CREATE TABLE meta.lab_grades (
  sim_id BIGINT NOT NULL, period VARCHAR NOT NULL, f_grade VARCHAR NOT NULL, d_grade VARCHAR NOT NULL, agents BIGINT NOT NULL,
  PRIMARY KEY (sim_id, period, f_grade, d_grade)
);

-- weight sensitivity: each indicator's share of the composite moved by delta points (the others rescaled to keep 100),
-- and how far ranks move, for the scheme in force (side 'in_force') and the draft ('draft')
CREATE TABLE meta.lab_sensitivity (
  sim_id BIGINT NOT NULL, side VARCHAR NOT NULL, period VARCHAR NOT NULL, indicator_id VARCHAR NOT NULL, name_en VARCHAR, name_zh VARCHAR,
  weight DOUBLE, delta DOUBLE NOT NULL, ranked BIGINT, mean_abs_rank_change DOUBLE, max_abs_rank_change BIGINT, kendall_tau DOUBLE,
  bottom_changes BIGINT,
  PRIMARY KEY (sim_id, side, period, indicator_id, delta)
);
