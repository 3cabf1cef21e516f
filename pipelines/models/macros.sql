-- Helpers shared by the models. Periods are calendar periods in the session time zone, which the warehouse
-- module sets to the department's zone (config `timezone`), so these keys are local months, quarters and years.
CREATE OR REPLACE MACRO month_key(ts) AS strftime(ts, '%Y-%m');
CREATE OR REPLACE MACRO quarter_key(ts) AS CAST(year(ts) AS VARCHAR) || '-Q' || CAST(quarter(ts) AS VARCHAR);
CREATE OR REPLACE MACRO year_key(ts) AS CAST(year(ts) AS VARCHAR);
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
