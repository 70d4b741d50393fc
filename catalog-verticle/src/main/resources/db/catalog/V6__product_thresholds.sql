ALTER TABLE products ADD COLUMN low_stock_threshold integer CHECK (low_stock_threshold BETWEEN 0 AND 1000000);
CREATE INDEX products_seller_newest ON products (seller_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
