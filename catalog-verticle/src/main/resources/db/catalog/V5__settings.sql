-- One row of store-wide catalog settings.
CREATE TABLE settings (
  id                         boolean PRIMARY KEY DEFAULT true CHECK (id),
  product_approval_required  boolean     NOT NULL DEFAULT false,
  low_stock_threshold        integer     NOT NULL DEFAULT 5 CHECK (low_stock_threshold BETWEEN 0 AND 1000000),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings DEFAULT VALUES;
