-- Helpers shared by the models. Periods are calendar periods in the session time zone, which the warehouse
-- module sets to the department's zone (config `timezone`), so these keys are local months, quarters and years.
CREATE OR REPLACE MACRO month_key(ts) AS strftime(ts, '%Y-%m');
CREATE OR REPLACE MACRO quarter_key(ts) AS CAST(year(ts) AS VARCHAR) || '-Q' || CAST(quarter(ts) AS VARCHAR);
CREATE OR REPLACE MACRO year_key(ts) AS CAST(year(ts) AS VARCHAR);
-- A TIMESTAMPTZ as the local TIMESTAMP (the session's zone). This is the definition; before the models run,
-- core/db/local-time.ts replaces it with the same values computed from the zone's offsets over the data's span,
-- without ICU for every record (at 10M tickets: 1.5 s per column converted, against 0.09 s).
CREATE OR REPLACE MACRO local_time(ts) AS CAST(ts AS TIMESTAMP);
-- The same periods as numbers (2026-03 is 202603, 2026-Q1 20261, 2026 2026), for grouping millions of records by
-- month, quarter and year: a number is a cheap key, and the text is made once per group after (period_of). Take them
-- of a local TIMESTAMP (local_time(x), once per record; each part of a TIMESTAMPTZ converts again). At 10M
-- tickets, agent_metrics' grouping of the resolved tickets: 6.7-8.6 s with text keys, 5.6-7.2 s with these; the whole
-- query 14.2-18.2 s -> 13.2-15.4 s (five runs each).
-- input_records' periods as numbers gained nothing and kept the text (a join on numbers cost what the text saved).
CREATE OR REPLACE MACRO month_no(ts) AS year(ts) * 100 + month(ts);
CREATE OR REPLACE MACRO quarter_no(ts) AS year(ts) * 10 + quarter(ts);
CREATE OR REPLACE MACRO year_no(ts) AS year(ts);
-- the period's key of a grouping-sets row over (month_no, quarter_no, year_no): the first that is not NULL
CREATE OR REPLACE MACRO period_of(m, q, y) AS CASE
    WHEN m IS NOT NULL THEN printf('%04d-%02d', m // 100, m % 100)
    WHEN q IS NOT NULL THEN printf('%04d-Q%d', q // 10, q % 10)
    ELSE CAST(y AS VARCHAR) END;
-- a period's number from its type and first day (mart.periods' start_date)
CREATE OR REPLACE MACRO period_no(period_type, start_date) AS CASE period_type
    WHEN 'month' THEN month_no(start_date) WHEN 'quarter' THEN quarter_no(start_date) ELSE year_no(start_date) END;
-- Where a period's rows go in a table kept between runs: by the period's last month, then month before quarter
-- before year (2026-09, 2026-Q3, 2026-10, 2026-11, 2026-Q4, 2026). One more day touches the latest periods, whose
-- rows are then the table's tail: a refresh deletes whole row groups there and appends, and the checkpoint after it
-- rewrites little (pipelines/incremental.ts).
CREATE OR REPLACE MACRO period_end_order(period_type, period) AS
  CAST(period[1:4] AS INTEGER) * 1000 + CASE period_type
    WHEN 'month' THEN CAST(period[6:7] AS INTEGER) * 10 + 1
    WHEN 'quarter' THEN CAST(period[7:7] AS INTEGER) * 30 + 2
    ELSE 123 END;
-- Milliseconds from a to b. date_diff('millisecond', ...) on TIMESTAMPTZ goes through the ICU calendar: at 10M tickets
-- its four uses in stg_tickets took 13-14 s of every read of the tickets, against 1 s for the epoch difference. The two
-- are the same for every instant from 1970 on (tested on 2M random pairs with microseconds, in three zones); before
-- 1970 ICU rounds differently, so such a value still takes date_diff.
CREATE OR REPLACE MACRO ms_between(a, b) AS CASE
    WHEN a < TIMESTAMPTZ '1970-01-01 00:00:00+00' OR b < TIMESTAMPTZ '1970-01-01 00:00:00+00' THEN date_diff('millisecond', a, b)
    ELSE epoch_ms(b) - epoch_ms(a) END;
-- Wilson score interval at 95% for p successes-share out of n (METRICS.md, "Small samples")
CREATE OR REPLACE MACRO wilson_lower(p, n) AS
  (p + 1.96 * 1.96 / (2 * n) - 1.96 * sqrt(p * (1 - p) / n + 1.96 * 1.96 / (4 * n * n))) / (1 + 1.96 * 1.96 / n);
CREATE OR REPLACE MACRO wilson_upper(p, n) AS
  (p + 1.96 * 1.96 / (2 * n) + 1.96 * sqrt(p * (1 - p) / n + 1.96 * 1.96 / (4 * n * n))) / (1 + 1.96 * 1.96 / n);
-- Bayesian average toward the department's value, with prior weight m
-- Deterministic sums and means of doubles: floating-point addition depends on order, and parallel aggregation
-- does not fix the order, so a rerun could differ in the last bit. Each term is rounded to 12 decimals and summed
-- exactly as a decimal, so that every published figure recomputes to the same bits
-- (write det_sum(CASE WHEN cond THEN x END) where FILTER would go: macros take no FILTER).
CREATE OR REPLACE MACRO det_sum(x) AS CAST(sum(CAST(x AS DECIMAL(38, 12))) AS DOUBLE);
CREATE OR REPLACE MACRO det_avg(x) AS CAST(avg(CAST(x AS DECIMAL(38, 12))) AS DOUBLE);
CREATE OR REPLACE MACRO bayes_average(own, n, dept, m) AS (n / (n + m)) * own + (m / (n + m)) * dept;
-- An indicator's value after the scheme's small-sample adjustment (indicator_values; indicator_uncertainty applies the
-- same rule to shifted values): bayes toward the department's value, or the Wilson bound on the unfavourable side.
CREATE OR REPLACE MACRO adjusted_value(adjust, metric_kind, direction, raw, n, dept, m) AS CASE
    WHEN adjust = 'bayes' AND dept IS NOT NULL THEN bayes_average(raw, n, dept, m)
    WHEN adjust = 'wilson' AND metric_kind = 'rate100' AND direction = 'lower' THEN 100 * wilson_upper(least(1, raw / 100), n)
    WHEN adjust = 'wilson' AND metric_kind = 'rate100' THEN 100 * wilson_lower(least(1, raw / 100), n)
    WHEN adjust = 'wilson' AND direction = 'lower' THEN wilson_upper(raw, n)
    WHEN adjust = 'wilson' THEN wilson_lower(raw, n)
    ELSE raw END;
-- A target-scored indicator's 0-100 score: linear from the floor (0) to the target (100), clamped.
CREATE OR REPLACE MACRO target_score(used, floor_used, target_used) AS
    100 * greatest(0, least(1, (used - floor_used) / (target_used - floor_used)));
-- Seeded draws for the uncertainty models: the k-th uniform in [0, 1) and standard normal of a 64-bit key (a hash of
-- the seed, the period and the agent). hash(key xor k) gives independent streams for k = replicate * 64 + slot.
CREATE OR REPLACE MACRO draw_u(key, k) AS (hash(xor(key, CAST(k AS UBIGINT))) >> 11) / 9007199254740992.0;
CREATE OR REPLACE MACRO draw_z(key, k) AS sqrt(-2 * ln(greatest(draw_u(key, k), 1e-300))) * cos(2 * pi() * draw_u(key, k + 1));
-- The position of the q-quantile among n sorted values (the lower one, as quantile_disc), 1-based.
CREATE OR REPLACE MACRO quantile_position(n, q) AS CAST(greatest(1, least(n, ceil(q * n))) AS BIGINT);
-- Sampling standard errors (agent_metrics.se): a share k of n, smoothed (k + 1) / (n + 2) so that 5 of 5 is not
-- certain; a count of k events, Poisson, at least 1; a median of n values from their quartiles (1.2533 * sigma /
-- sqrt(n), sigma = IQR / 1.349); a mean from the standard deviation.
CREATE OR REPLACE MACRO share_se(k, n) AS sqrt(((k + 1) / (n + 2)) * (1 - (k + 1) / (n + 2)) / n);
CREATE OR REPLACE MACRO count_se(k) AS sqrt(greatest(k, 1));
CREATE OR REPLACE MACRO median_se(q25, q75, n) AS 1.2533 * (q75 - q25) / 1.349 / sqrt(n);
-- A sample standard deviation from exact sums (det_sum of x and of x * x), 0 for fewer than two values.
CREATE OR REPLACE MACRO sd_from_sums(sum_x, sum_xx, n) AS
    CASE WHEN n > 1 THEN sqrt(greatest(0, (sum_xx - sum_x * sum_x / n) / (n - 1))) ELSE 0 END;
-- The 97.5% quantile of Student's t with df degrees of freedom (Cornish-Fisher expansion around the normal 1.96:
-- within 0.01 from 4 degrees of freedom, 3.15 for 3 against 3.18): the half-width multiplier of a 95% interval.
CREATE OR REPLACE MACRO t975(df) AS
    1.959964 + (pow(1.959964, 3) + 1.959964) / (4 * CAST(df AS DOUBLE))
    + (5 * pow(1.959964, 5) + 16 * pow(1.959964, 3) + 3 * 1.959964) / (96 * pow(CAST(df AS DOUBLE), 2))
    + (3 * pow(1.959964, 7) + 19 * pow(1.959964, 5) + 17 * pow(1.959964, 3) - 15 * 1.959964) / (384 * pow(CAST(df AS DOUBLE), 3));
-- Welch's degrees of freedom for the difference of two means (variances v1, v2; counts n1, n2).
CREATE OR REPLACE MACRO welch_df(v1, n1, v2, n2) AS
    pow(v1 / n1 + v2 / n2, 2) / nullif(pow(v1 / n1, 2) / nullif(n1 - 1, 0) + pow(v2 / n2, 2) / nullif(n2 - 1, 0), 0);
-- The first day of a quarter label like 2026-Q3.
CREATE OR REPLACE MACRO quarter_start(q) AS make_date(CAST(left(q, 4) AS INTEGER), (CAST(right(q, 1) AS INTEGER) - 1) * 3 + 1, 1);
-- Working minutes on a calendar day up to minute m after local midnight (spans: the day's working spans in minutes).
CREATE OR REPLACE MACRO worked_until(spans, m) AS coalesce(list_sum(list_transform(spans, x -> greatest(0, least(m, x.e) - x.s))), 0);
-- Minutes after local midnight of a local timestamp.
CREATE OR REPLACE MACRO minute_of_day(ts) AS date_diff('microsecond', date_trunc('day', ts), ts) / 60000000.0;
