-- Ranks are standard competition ranks of the composite within the department: 1 + the number of ranked agents
-- with a strictly higher composite, never above the number ranked.
select scheme_id, period_type, period, department, agent_id, department_rank, expected_rank, department_ranked
from (
    select *,
        1 + count(*) over (partition by scheme_id, period_type, period, department order by round(composite, 9) desc
                           range between unbounded preceding and current row)
          - count(*) over (partition by scheme_id, period_type, period, department, round(composite, 9)) as expected_rank
    from mart.rankings
    where ranked
)
where department_rank <> expected_rank or department_rank > department_ranked or department_rank < 1
