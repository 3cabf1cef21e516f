/**
 * What the boards may show: each published table is one SELECT over the warehouse, for one audience.
 * `staff` tables go into every build; `management` tables only into `appraisal build --audience management`.
 * Nothing here recomputes a score: the SELECTs pick, join, rename and count what `appraisal run` computed.
 *
 * Privacy: no table here reads a customer field, a ticket subject, a comment, a rater id or a quarantined value.
 * 360 results are per rater group and only where the group is shown (self and supervisor, or >= 3 raters).
 */

export const AUDIENCES = ["staff", "management"] as const;
export type Audience = (typeof AUDIENCES)[number];

export interface PublishedTable {
  name: string;
  audience: Audience;
  /** what the table holds, for the snapshot's manifest */
  about: string;
  /**
   * DuckDB SQL over the warehouse; `$scheme` is the primary scheme id, `$period_states` the publication state of
   * each period (meta.period_states where the warehouse has it, else an empty table: every period open),
   * `$review_due` the due dates of open reviews (pipelines/rules/review.ts), and `$named_periods` the periods
   * whose results this audience may see by name (NAMED_PERIODS)
   */
  sql: string;
  /** per-agent tables reach the site through the shards only; the others also as site/<name>.json */
  shardOnly?: boolean;
}

/**
 * The named-data rule (the methodology board's "Who sees what"): the management build names agents in every period;
 * the staff build, which everyone in the department reads, only in periods published for objection (公示,
 * provisional or final). The per-agent tables below keep only these periods, so the staff build's files hold no
 * agent's result for a period before its publication; aggregates (teams, department, grades) are not affected.
 */
export const NAMED_PERIODS: Record<Audience, string> = {
  staff: "(select period from $period_states where scheme_id = $scheme and state in ('provisional', 'final'))",
  management: "(select period from mart.periods)",
};

/**
 * A stored quarantine reason as it may be published: reasons written today carry no value (the value has its own
 * column), but an older or a foreign reason may quote one. Everything from the first quote, or from "got", on is
 * cut (a value with quotes in it cannot escape that), record numbers and character counts are dropped.
 */
export const GENERIC_REASON_SQL = `trim(regexp_replace(regexp_replace(regexp_replace(reason,
    '\\s*[,;:(]?\\s*(\\bgot\\b|["“”]).*$', ''),
    '\\s*\\(\\d+ characters\\)', ''),
    'the copy at record \\d+ was kept', 'an earlier copy was kept'))`;

/** Tenure bands (months in post at the end of the period) used to slice the HR trends. */
export const TENURE_BANDS_SQL = `case when tenure_months < 12 then '0-1y' when tenure_months < 36 then '1-3y'
  when tenure_months < 60 then '3-5y' else '5y+' end`;

export const PUBLISHED_TABLES: PublishedTable[] = [
  {
    name: "periods",
    audience: "staff",
    about: "periods scored by the primary scheme, the version in force, completeness and publication state",
    sql: `
      select p.period_type, p.period, p.start_date::varchar as start_date, (p.end_date - 1)::varchar as end_date,
        p.is_complete, sp.version, sp.min_tickets,
        -- publication (公示): open (not yet published) | provisional (published for objection) | final
        coalesce(ps.state, 'open') as publication_state, ps.appeal_deadline::varchar as appeal_deadline, ps.revision as published_revision,
        (select count(*) from mart.rankings r where r.scheme_id = sp.scheme_id and r.period = p.period and r.ranked) as ranked_agents,
        (select count(*) from mart.rankings r where r.scheme_id = sp.scheme_id and r.period = p.period) as agents
      from mart.periods p join mart.scheme_periods sp using (period_type, period)
      left join $period_states ps on ps.scheme_id = sp.scheme_id and ps.period = p.period
      where sp.scheme_id = $scheme
      order by case p.period_type when 'month' then 0 when 'quarter' then 1 else 2 end, p.start_date`,
  },
  {
    name: "rankings",
    audience: "staff",
    shardOnly: true,
    about: "every scored agent per period: composite, grade, rank, percentile, change, or why not ranked",
    sql: `
      select r.period_type, r.period, r.version, r.agent_id, r.display_name, r.team, r.department, r.tenure_months,
        r.tickets_resolved, r.composite, r.grade, r.grade_name_en, r.grade_name_zh, r.weight_present,
        r.ranked, r.not_ranked_reason, r.department_rank, r.department_ranked, r.percentile, r.team_rank, r.team_ranked,
        t.previous_period, t.previous_composite, t.composite_change, t.previous_rank, t.rank_change,
        -- the rank's 95% interval (rank uncertainty), where the scheme asks for one
        ri.rank_low, ri.rank_high
      from mart.rankings r
      join mart.agent_trends t using (scheme_id, period_type, period, agent_id)
      left join mart.rank_intervals ri using (scheme_id, period_type, period, agent_id)
      where r.scheme_id = $scheme and r.period in $named_periods
      order by r.period_type, r.period, r.ranked desc, r.department_rank, r.agent_id`,
  },
  {
    name: "agents",
    audience: "staff",
    about: "every agent scored in some period: id, name, latest team and department (the agent picker)",
    sql: `
      select agent_id, arg_max(display_name, period_end) as display_name, arg_max(team, period_end) as team,
        arg_max(department, period_end) as department, count(*) as periods_scored
      -- the latest period: the one ending last, and of those the shortest (a year and its last quarter end on the same
      -- day: the quarter's team is the latest; without this the pick between them was arbitrary, run to run)
      from (select r.*, {e: p.end_date, k: case r.period_type when 'month' then 2 when 'quarter' then 1 else 0 end} as period_end
            from mart.rankings r join mart.periods p using (period_type, period)
            where r.scheme_id = $scheme)
      group by agent_id order by agent_id`,
  },
  {
    name: "dimension_scores",
    audience: "staff",
    shardOnly: true,
    about: "each agent's dimension sub-scores per period",
    sql: `
      select period_type, period, agent_id, dimension_id, dimension_weight, score, effective_weight
      from mart.dimension_scores where scheme_id = $scheme and period in $named_periods order by period, agent_id, dimension_id`,
  },
  {
    name: "indicator_scores",
    audience: "staff",
    shardOnly: true,
    about: "each agent's indicators per period: inputs (counts and medians only), value used, score, weights, contribution",
    sql: `
      select s.period_type, s.period, s.agent_id, s.version, s.dimension_id, s.indicator_id, s.ord, i.metric, i.metric_kind,
        s.raw_value, s.sample::bigint as sample, s.numerator, s.denominator, s.p90, s.mean, s.department_value, s.used_value,
        s.floor_used, s.target_used, s.score, s.missing, s.scored_at_floor, s.weight, s.nominal_weight, s.effective_weight, s.contribution,
        u.score_low, u.score_high, c.inputs
      from mart.indicator_scores s
      join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
      left join mart.indicator_uncertainty u
        on u.scheme_id = s.scheme_id and u.period_type = s.period_type and u.period = s.period and u.agent_id = s.agent_id and u.indicator_id = s.indicator_id
      left join (
        select period_type, period, agent_id, indicator_id, sum(inputs) as inputs
        from mart.indicator_input_counts where scheme_id = $scheme group by all
      ) c on c.period_type = s.period_type and c.period = s.period and c.agent_id = s.agent_id and c.indicator_id = s.indicator_id
      where s.scheme_id = $scheme and s.period in $named_periods order by s.period, s.agent_id, s.ord`,
  },
  {
    name: "agent_360_groups",
    audience: "staff",
    shardOnly: true,
    about: "360 means per agent, period, rater group and dimension; only groups that may be shown, never a rater",
    sql: `
      select period_type, period, agent_id, relation, dimension, raters, mean_score
      from mart.agent_360_groups where shown and period in $named_periods order by period, agent_id, relation, dimension`,
  },
  {
    name: "team_scores",
    audience: "staff",
    about: "team and department (team null) results per period",
    sql: `
      select period_type, period, department, team, agents, ranked_agents, mean_composite, median_composite,
        min_composite, max_composite, sd_composite, mean_change
      from mart.team_scores where scheme_id = $scheme order by period, team nulls first`,
  },
  {
    name: "grade_distribution",
    audience: "staff",
    about: "ranked agents per grade, per team and for the department (team null)",
    sql: `
      select period_type, period, department, team, grade, grade_order, agents::bigint as agents
      from mart.grade_distribution where scheme_id = $scheme order by period, team nulls first, grade_order`,
  },
  {
    name: "team_indicator_scores",
    audience: "staff",
    about: "mean indicator score and value per team and department (team null) over ranked agents",
    sql: `
      select period_type, period, department, team, dimension_id, indicator_id, metric, mean_score, mean_value, agents_scored
      from mart.team_indicator_scores where scheme_id = $scheme order by period, team nulls first, indicator_id`,
  },
  {
    name: "indicator_targets",
    audience: "staff",
    about: "per period and indicator, the department's ranked agents against the target: mean and median value, share at target",
    sql: `
      select s.period_type, s.period, s.dimension_id, s.indicator_id, any_value(i.method) as method, any_value(i.direction) as direction,
        det_avg(s.raw_value) as mean_value, median(s.raw_value) as median_value,
        det_avg(s.floor_used) as mean_floor, det_avg(s.target_used) as mean_target, det_avg(s.score) as mean_score,
        count(s.score) as agents_scored,
        case when any_value(i.method) = 'target' and count(s.score) > 0
          then count(*) filter (where s.score >= 100) / count(s.score) end as share_at_target
      from mart.indicator_scores s join mart.rankings r using (scheme_id, period_type, period, agent_id)
      join scheme.indicators i on i.scheme_id = s.scheme_id and i.version = s.version and i.indicator_id = s.indicator_id
      where s.scheme_id = $scheme and r.ranked
      group by all order by s.period, any_value(s.ord)`,
  },
  {
    name: "hr_cells",
    audience: "staff",
    about: "quarterly sums and counts per team, tenure band, grade and indicator (composite included) over ranked agents, for slicing",
    sql: `
      with q as (
        select r.period, r.agent_id, r.team, r.grade, r.composite, ${TENURE_BANDS_SQL} as tenure_band
        from mart.rankings r
        where r.scheme_id = $scheme and r.period_type = 'quarter' and r.ranked
      )
      select period, team, tenure_band, grade, 'composite' as indicator_id,
        count(*) as agents, det_sum(composite) as sum_score, count(composite) as n_score,
        null::double as sum_value, 0::bigint as n_value
      from q group by all
      union all
      select q.period, q.team, q.tenure_band, q.grade, s.indicator_id,
        count(*), det_sum(s.score), count(s.score), det_sum(s.raw_value), count(s.raw_value)
      from q join mart.indicator_scores s
        on s.scheme_id = $scheme and s.period_type = 'quarter' and s.period = q.period and s.agent_id = q.agent_id
      group by all
      order by 1, 2, 3, 4, 5`,
  },
  {
    name: "scheme_versions",
    audience: "staff",
    about: "the primary scheme's versions and their rules: ranking minimums, missing data, small-sample prior, bottom group",
    sql: `
      select scheme_id, scheme_name_en, scheme_name_zh, version, sha256, effective_from::varchar as effective_from,
        effective_to::varchar as effective_to, period_types, missing_policy, bayes_prior_weight,
        min_tickets_month, min_tickets_quarter, min_tickets_year, min_weight_present, bottom_share, bottom_min_population, notes, notes_zh
      from scheme.versions where scheme_id = $scheme order by effective_from`,
  },
  {
    name: "scheme_dimensions",
    audience: "staff",
    about: "dimensions and weights per version",
    sql: "select version, dimension_id, name_en, name_zh, weight, ord from scheme.dimensions where scheme_id = $scheme order by version, ord",
  },
  {
    name: "scheme_indicators",
    audience: "staff",
    about: "indicators per version: metric, weight, method, floor, target, adjustment, minimum sample",
    sql: `
      select version, dimension_id, dimension_weight, indicator_id, name_en, name_zh, metric, metric_kind, direction,
        weight, nominal_weight, method, floor, target, per_month, adjust, min_sample, missing_policy, ord
      from scheme.indicators where scheme_id = $scheme order by version, ord`,
  },
  {
    name: "scheme_grades",
    audience: "staff",
    about: "grade bands per version",
    sql: "select version, grade, min_score, max_score, name_en, name_zh, ord from scheme.grades where scheme_id = $scheme order by version, ord",
  },
  {
    name: "sources",
    audience: "staff",
    about: "per configured source: files and rows loaded, rows quarantined and still open, tickets held out (newest version quarantined), last load",
    sql: `
      with q as (
        select source, target_table, count(distinct (batch_id, coalesce(record, -coalesce(line, 0)))) as rows
        from meta.quarantine where resolved_at is null group by all
      ), held as (
        select b.source, count(*) as tickets from stg.tickets_held h join meta.batches b on b.batch_id = h.quarantined_batch_id group by all
      )
      select b.source, b.target_table, count(*) filter (where rows_read >= 0) as files, count(*) filter (where rows_read < 0) as failed_files,
        coalesce(sum(rows_read) filter (where rows_read >= 0), 0) as rows_read, coalesce(any_value(q.rows), 0) as rows_quarantined,
        case when b.target_table = 'tickets' then coalesce(any_value(held.tickets), 0) end as tickets_held_out,
        strftime(max(finished_at), '%Y-%m-%d %H:%M:%S %z') as last_loaded
      from meta.batches b
      left join q on q.source = b.source and q.target_table = b.target_table
      left join held on held.source = b.source
      group by b.source, b.target_table order by b.target_table, b.source`,
  },
  {
    name: "team_moves",
    audience: "staff",
    about: "moves between teams and departments from the roster history: agent, day, quarter, from and to (the HR board)",
    sql: `
      select agent_id, display_name, effective_from::varchar as effective_from, quarter, from_team, to_team, from_department, to_department
      from mart.team_moves order by effective_from, agent_id`,
  },
  {
    name: "source_coverage",
    audience: "staff",
    about: "per period and source table: whether the department has the source (measured), the part it covers, and why not (no_source, before_source, after_source)",
    sql: `
      select period_type, period, source_table, measured, covered_from::varchar as covered_from, covered_to::varchar as covered_to, not_measured
      from mart.source_coverage order by period_type, period, source_table`,
  },
  {
    name: "quarantine_reasons",
    audience: "staff",
    about: "quarantined rows still open counted by table, field and reason; values are never published (reasons are generic; from an older reason everything from its first quote or 'got' on is cut)",
    sql: `
      select target_table,
        case when starts_with(field, '(column ') then '(column)' else field end as field,
        case when field = '(file)' then 'the file could not be read; run appraisal status on the server for the error'
          else ${GENERIC_REASON_SQL} end as reason,
        count(*) as rows
      from meta.quarantine where resolved_at is null group by all order by rows desc, target_table, field, reason`,
  },
  {
    name: "runs",
    audience: "staff",
    about: "the last scoring runs: when and whether they succeeded",
    sql: `
      select run_id, kind, strftime(started_at, '%Y-%m-%d %H:%M:%S %z') as started_at,
        strftime(finished_at, '%Y-%m-%d %H:%M:%S %z') as finished_at, outcome
      from meta.runs order by run_id desc limit 10`,
  },
  {
    name: "bottom_group",
    audience: "management",
    about: "the bottom-group (末位) membership per period: the input of the bottom-20% tracker, for management only",
    sql: `
      select period_type, period, agent_id, in_bottom_group, bottom_cut, tied_at_cut, bottom_rule_applies
      from mart.rankings where scheme_id = $scheme and ranked order by period, agent_id`,
  },
  {
    name: "publication",
    audience: "staff",
    about: "each published period: state, revision in force, appeal deadline, appeals by state, acknowledgements",
    sql: `
      select ps.period, ps.state, ps.revision, strftime(ps.since, '%Y-%m-%d') as since, ps.appeal_deadline::varchar as appeal_deadline,
        (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period) as appeals,
        (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'filed') as appeals_open,
        (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'accepted') as appeals_accepted,
        (select count(*) from meta.appeals a where a.scheme_id = ps.scheme_id and a.period = ps.period and a.state = 'rejected') as appeals_rejected,
        (select count(*) from meta.acknowledgements k where k.scheme_id = ps.scheme_id and k.period = ps.period) as acknowledged,
        (select count(*) from meta.published_results r where r.scheme_id = ps.scheme_id and r.period = ps.period and r.revision = ps.revision) as published_agents
      from meta.period_states ps where ps.scheme_id = $scheme order by ps.period`,
  },
  {
    name: "published_results",
    audience: "staff",
    about: "what each publication (公示) froze, per revision: composite, grade and rank, so that before and after an appeal can be compared",
    sql: `
      select r.period, r.revision, r.state, strftime(r.published_at, '%Y-%m-%d') as published_at, r.agent_id, a.display_name, a.team,
        r.composite, r.grade, r.ranked, r.department_rank, r.department_ranked
      from meta.published_results r
      left join stg.agents a using (agent_id)
      where r.scheme_id = $scheme order by r.period, r.revision, r.agent_id`,
  },
  {
    name: "pending_changes",
    audience: "staff",
    about: "per published period: how many figures of how many agents the latest run would change (kept out until a new publication); counts and kinds only",
    sql: `
      select period, any_value(state) as state, any_value(revision) as revision, count(distinct agent_id) as agents, count(*) as figures,
        string_agg(distinct case when figure in ('composite', 'grade', 'rank', 'ranked', 'bottom group', 'tracker state') then figure
          when starts_with(figure, 'indicator ') then 'indicators' when starts_with(figure, 'dimension ') then 'dimensions'
          when starts_with(figure, '360 ') then '360' when starts_with(figure, 'team ') then 'teams' else 'other' end, ',') as kinds
      from meta.pending_changes where scheme_id = $scheme group by period order by period`,
  },
  {
    name: "pending_changes_detail",
    audience: "management",
    shardOnly: true,
    about: "per published period, agent and figure: the published (frozen) value and what the latest run computed; management only",
    sql: `
      select c.period, c.state, c.revision, c.agent_id, a.display_name, c.figure, c.old, c.new
      from meta.pending_changes c left join stg.agents a using (agent_id)
      where c.scheme_id = $scheme order by c.period, c.agent_id nulls last, c.figure`,
  },
  {
    name: "appeal_counts",
    audience: "staff",
    about: "appeals (申诉) per period, indicator and state: counts only; who appealed and why is for management",
    sql: `
      select period, indicator_id, state, count(*) as appeals
      from meta.appeals where scheme_id = $scheme group by all order by period, indicator_id, state`,
  },
  {
    name: "incentives",
    audience: "staff",
    shardOnly: true,
    about: "per agent and period: bonus eligibility, promotion priority, training offer, honours, from the scheme's rules",
    sql: `
      select period_type, period, agent_id, bonus_eligible, periods_on_target, promotion_priority, training_offer, honours
      from mart.incentives where scheme_id = $scheme and period in $named_periods order by period, agent_id`,
  },
  {
    name: "agent_appeals",
    audience: "staff",
    shardOnly: true,
    about: "each agent's own appeals (agent page): indicator, state and dates; never the reason, evidence or decision text",
    sql: `
      select period, agent_id, appeal_id, indicator_id, state, strftime(filed_at, '%Y-%m-%d') as filed_at, strftime(decided_at, '%Y-%m-%d') as decided_at
      from meta.appeals where scheme_id = $scheme and period in $named_periods order by period, agent_id, appeal_id`,
  },
  {
    name: "acknowledgements",
    audience: "staff",
    shardOnly: true,
    about: "each agent's acknowledgement (双向确认) of a published period: the date and the revision acknowledged",
    sql: `
      select period, agent_id, strftime(acknowledged_at, '%Y-%m-%d') as acknowledged_at, revision
      from meta.acknowledgements where scheme_id = $scheme and period in $named_periods order by period, agent_id`,
  },
  {
    name: "manifests",
    audience: "staff",
    about: "the proof of each published period: its manifest (scheme versions, input batches, row counts, table hashes) and its sha256, and the last verification",
    sql: `
      select m.period, m.revision, strftime(m.created_at, '%Y-%m-%d %H:%M') as created_at, m.sha256,
        m.manifest->>'$.scheme.version' as version,
        json_array_length(m.manifest->'$.inputs') as batches,
        (select count(*) from (select unnest(json_keys(m.manifest->'$.tables')))) as tables,
        -- the manifest as staff may read it: input files by their relative name (never a server path), and the records
        -- people keep (corrections, exclusions, committee decisions) by hash only, not by count
        json_merge_patch(json_merge_patch(m.manifest, '{"records": null}'), json_object(
          'inputs', coalesce((select to_json(list(json_merge_patch(x, json_object('file', regexp_extract(x->>'file', '[^/\\\\]*$'))) order by x->>'table', (x->>'batch_id')::bigint))
                              from (select unnest(json_extract(m.manifest, '$.inputs[*]')) as x)), '[]'::json),
          'records', coalesce((select json_group_object(k, json_object('sha256', json_extract_string(m.manifest, '$.records."' || k || '".sha256')))
                               from (select unnest(json_keys(m.manifest, '$.records')) as k)), '{}'::json)
        ))::varchar as manifest,
        (select v.ok from meta.verifications v where v.scheme_id = m.scheme_id and v.period = m.period order by v.verified_at desc limit 1) as verified_ok,
        (select strftime(max(v.verified_at), '%Y-%m-%d %H:%M') from meta.verifications v where v.scheme_id = m.scheme_id and v.period = m.period) as verified_at
      from meta.manifests m where m.scheme_id = $scheme order by m.period, m.revision`,
  },
  {
    name: "workload_expectations",
    audience: "staff",
    about: "what the department's own history expects per kind of ticket (category, priority, channel): hours, resolution and SLA odds",
    sql: `
      select period_type, period, category, priority, channel, tickets_resolved::bigint as tickets_resolved, expected_hours,
        expected_resolution_odds, expected_sla_odds
      from mart.workload_expectations where period_type = 'quarter' order by period, category, priority, channel`,
  },
  {
    name: "appeals",
    audience: "management",
    shardOnly: true,
    about: "every appeal with its reason, evidence, decision and the kind of correction; management only",
    sql: `
      select a.appeal_id, a.period, a.agent_id, g.display_name, a.indicator_id, a.reason, a.evidence, a.state,
        strftime(a.filed_at, '%Y-%m-%d') as filed_at, strftime(a.decided_at, '%Y-%m-%d') as decided_at, a.decision_reason,
        (select string_agg(c.kind, ', ') from meta.corrections c where c.appeal_id = a.appeal_id) as correction
      from meta.appeals a left join stg.agents g using (agent_id)
      where a.scheme_id = $scheme order by a.appeal_id`,
  },
  {
    name: "tracker",
    audience: "management",
    shardOnly: true,
    about: "the bottom-20% tracker (末位淘汰) per agent and quarter: state, consecutive count, reason, triggers, the committee's decision; management only",
    sql: `
      select t.quarter as period, t.agent_id, t.display_name, t.team, t.composite, t.department_rank, t.department_ranked, t.bottom_cut,
        t.in_bottom_group, t.tied_at_cut, t.state, t.consecutive, t.reason, t.quality_trigger, t.efficiency_trigger, t.rank_low, t.rank_high,
        t.uncertainty_note, t.committee_decision, t.committee_members, t.committee_note,
        -- an open review: where it began and the day the committee's decision is due (the department's calendar)
        t.review_since, t.awaiting_decision, case when t.awaiting_decision then d.due::varchar end as review_due
      from mart.bottom_tracker t
      left join $review_due d on d.flagged_on = t.review_flagged_on and d.working_days = t.review_decision_working_days
      where t.scheme_id = $scheme order by t.quarter, t.agent_id`,
  },
  {
    name: "input_ids",
    audience: "management",
    shardOnly: true,
    about: "the ids of the records behind each agent's indicators, for the published periods (where appeals need them); management only",
    sql: `
      select i.period_type, i.period, i.agent_id, i.input_set, any_value(i.input_kind) as input_kind,
        string_agg(distinct i.input_id, ' ' order by i.input_id) as ids, count(distinct i.input_id) as inputs
      from mart.indicator_inputs i
      join meta.period_states ps on ps.scheme_id = i.scheme_id and ps.period = i.period
      where i.scheme_id = $scheme group by all order by i.period, i.agent_id, i.input_set`,
  },
  {
    name: "calibration",
    audience: "management",
    shardOnly: true,
    about: "each team's score distribution beside the rest of the department, with the team effect and its 95% interval; management only",
    sql: `
      select period_type, period, team, measure_kind, measure_id, agents, mean_score, p10, p25, median_score, p75, p90,
        rest_mean, effect, effect_low, effect_high, clear_effect
      from mart.calibration where scheme_id = $scheme and team is not null order by period, measure_kind, measure_id, team`,
  },
  {
    name: "rater_calibration",
    audience: "management",
    shardOnly: true,
    about: "360 ratings per team and rater group against the other raters: a lenient or strict supervisor shows; management only",
    sql: `
      select period_type, period, team, measure, agents, raters, mean_rating, rest_mean, effect, effect_low, effect_high, calibration
      from mart.rater_calibration where team is not null order by period, team, measure`,
  },
  {
    name: "opinion_results",
    audience: "staff",
    about: "the staff's opinion survey on the scheme: per round, indicator and team (team null: everyone), how many found it fair, unclear or unfair; groups under 5, and any group the total would reveal, withheld",
    sql: `
      select o.round, o.indicator_id, n.name_en, n.name_zh, o.team, o.team_not_given, o.shown, o.respondents, o.fair, o.unclear, o.unfair,
        o.withheld_reason
      from mart.opinion_results o
      left join (select indicator_id, arg_max(name_en, effective_from) as name_en, arg_max(name_zh, effective_from) as name_zh
                 from scheme.indicators i join scheme.versions v using (scheme_id, version) where i.scheme_id = $scheme group by all) n
        using (indicator_id)
      order by o.round, o.indicator_id, o.team nulls first`,
  },
  {
    name: "opinion_themes",
    audience: "management",
    shardOnly: true,
    about: "themes of the opinion survey's free text: words five or more respondents used, per round (never the text); management only",
    sql: "select round, term, respondents, theme_rank from mart.opinion_themes order by round, theme_rank, term",
  },
  {
    name: "lab_simulations",
    audience: "management",
    shardOnly: true,
    about: "the scheme lab's last simulations of draft versions of the primary scheme: the draft (as a version), periods, result hash, adoption; management only",
    sql: `
      select sim_id, draft_version, effective_from::varchar as effective_from, based_on, notes, periods, strftime(created_at, '%Y-%m-%d %H:%M') as created_at,
        actor, result_sha256, strftime(adopted_at, '%Y-%m-%d') as adopted_at, definition::varchar as definition
      from meta.lab_simulations where scheme_id = $scheme order by sim_id desc limit 5`,
  },
  ...["lab_agents", "lab_teams", "lab_agreement", "lab_grades", "lab_sensitivity"].map((t): PublishedTable => ({
    name: t,
    audience: "management",
    shardOnly: true,
    about: `the scheme lab's ${t.slice(4)} of the last simulations (the scheme in force beside the draft); management only`,
    sql: `select t.* from meta.${t} t where t.sim_id in (select sim_id from meta.lab_simulations where scheme_id = $scheme order by sim_id desc limit 5)
      order by all`,
  })),
];

/** The tables that a build for `audience` may contain: staff tables always, management tables only for management. */
export function tablesFor(audience: Audience): PublishedTable[] {
  return PUBLISHED_TABLES.filter((t) => audience === "management" || t.audience === "staff");
}
