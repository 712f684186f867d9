-- What the job computes, in SQLite, over the same CSV files (${DATA_DIR} is substituted).
-- Timestamps print as ISO 8601 in the job's output; SQLite formats them the same way here.
-- count(checkout) counts non-null flags, so every click: checkout is never null.
.import --csv ${DATA_DIR}/clicks.csv clicks
select user_id,
       strftime('%Y-%m-%dT%H:%M:%fZ', min(cast(ts as integer)) / 1000.0, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%fZ', max(cast(ts as integer)) / 1000.0, 'unixepoch'),
       count(*), count(distinct page), count(*),
       (max(cast(ts as integer)) - min(cast(ts as integer))) / 60000.0
from clicks group by user_id;
