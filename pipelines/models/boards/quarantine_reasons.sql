-- audience: staff
-- shard_only: no
-- about: quarantined rows still open counted by table, field and reason; values are never published (reasons are generic; from an older reason everything from its first quote or 'got' on is cut)
select target_table,
  case when starts_with(field, '(column ') then '(column)' else field end as field,
  case when field = '(file)' then 'the file could not be read; run appraisal status on the server for the error'
    -- a reason as it may be published: everything from the first quote, or from "got", on is cut (a value with quotes
    -- in it cannot escape that), record numbers and character counts are dropped
    else trim(regexp_replace(regexp_replace(regexp_replace(reason,
        '\s*[,;:(]?\s*(\bgot\b|["“”]).*$', ''),
        '\s*\(\d+ characters\)', ''),
        'the copy at record \d+ was kept', 'an earlier copy was kept')) end as reason,
  count(*) as rows
from meta.quarantine where resolved_at is null group by all order by rows desc, target_table, field, reason
