-- A batch chunk names the items it carries by their range instead of each item naming its chunk: storing the
-- plan of a 10,000-item batch rewrote its 10,000 item rows (about 0.1 s before its first chunk could be sent).
-- When it was planned: a plan the API made with the request is made again if its workflow starts late. In
-- milliseconds, as JavaScript reads it back, so a signature is kept only on the plan it was signed from.
ALTER TABLE batch_mint_chunks ADD COLUMN first_item integer, ADD COLUMN item_count integer,
  ADD COLUMN planned_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now());
UPDATE batch_mint_chunks c SET first_item = r.first_item, item_count = r.item_count
FROM (
  SELECT action_id, chunk_index, min(item_index) AS first_item, count(*)::int AS item_count
  FROM batch_mint_items WHERE chunk_index IS NOT NULL GROUP BY action_id, chunk_index
) r
WHERE r.action_id = c.action_id AND r.chunk_index = c.chunk_index;
ALTER TABLE batch_mint_chunks ALTER COLUMN first_item SET NOT NULL, ALTER COLUMN item_count SET NOT NULL;
ALTER TABLE batch_mint_items DROP COLUMN chunk_index;
