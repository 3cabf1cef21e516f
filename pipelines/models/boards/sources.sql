-- audience: staff
-- shard_only: no
-- about: per configured source: files and rows loaded, rows quarantined and still open, tickets held out (newest version quarantined), last load
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
group by b.source, b.target_table order by b.target_table, b.source
