ALTER TABLE products ADD COLUMN review_note text;
CREATE INDEX products_pending ON products (updated_at, id) WHERE status = 'pending_review' AND deleted_at IS NULL;
