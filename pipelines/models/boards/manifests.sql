-- audience: staff
-- shard_only: no
-- about: the proof of each published period: its manifest (scheme versions, input batches, row counts, table hashes) and its sha256, and the last verification
select m.period, m.revision, strftime(m.created_at, '%Y-%m-%d %H:%M') as created_at, m.sha256,
  m.manifest->>'$.scheme.version' as version,
  json_array_length(m.manifest->'$.inputs') as batches,
  (select count(*) from (select unnest(json_keys(m.manifest->'$.tables')))) as tables,
  -- the manifest as staff may read it: input files by their relative name (never a server path), and the records
  -- people keep (corrections, exclusions, committee decisions) by hash only, not by count
  json_merge_patch(json_merge_patch(m.manifest, '{"records": null}'), json_object(
    'inputs', coalesce((select to_json(list(json_merge_patch(x, json_object('file', regexp_extract(x->>'file', '[^/\\]*$'))) order by x->>'table', (x->>'batch_id')::bigint))
                        from (select unnest(json_extract(m.manifest, '$.inputs[*]')) as x)), '[]'::json),
    'records', coalesce((select json_group_object(k, json_object('sha256', json_extract_string(m.manifest, '$.records."' || k || '".sha256')))
                         from (select unnest(json_keys(m.manifest, '$.records')) as k)), '{}'::json)
  ))::varchar as manifest,
  (select v.ok from meta.verifications v where v.scheme_id = m.scheme_id and v.period = m.period order by v.verified_at desc limit 1) as verified_ok,
  (select strftime(max(v.verified_at), '%Y-%m-%d %H:%M') from meta.verifications v where v.scheme_id = m.scheme_id and v.period = m.period) as verified_at
from meta.manifests m where m.scheme_id = $scheme order by m.period, m.revision
