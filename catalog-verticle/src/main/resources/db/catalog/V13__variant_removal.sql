-- A variant dropped from its product keeps its row (past reservations and stock history point at its sku).
ALTER TABLE variants ADD COLUMN removed_at timestamptz;
