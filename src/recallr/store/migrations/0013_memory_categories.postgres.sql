-- Only the strings of a categories array count, as in a filter on the JSON itself; other texts give no rows (a text
-- jsonb refuses goes through recallr_jsonb_or_null, migration 0008, as in the metadata filters).
INSERT INTO memory_categories (memory_id, user_id, category, created_at, expired_at)
    SELECT DISTINCT d.id, d.user_id, e.value #>> '{}', d.created_at, d.expired_at
    FROM (SELECT id, user_id, created_at, expired_at,
                 CASE WHEN strpos(categories, 'NaN') + strpos(categories, 'Infinity') + strpos(categories, '\u0000') = 0
                      THEN categories::jsonb ELSE recallr_jsonb_or_null(categories) END AS doc
          FROM memories) d,
         jsonb_array_elements(CASE WHEN jsonb_typeof(d.doc) = 'array' THEN d.doc ELSE '[]'::jsonb END) e
    WHERE jsonb_typeof(e.value) = 'string';
