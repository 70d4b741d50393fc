-- Full-text search (name weighs over description), typo tolerance through a dictionary of known words
-- matched by trigram similarity, and the indexes behind each listing order.
SET search_path = catalog, public;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', description), 'B')) STORED;
CREATE INDEX products_search ON products USING gin (search);

-- Ratings are kept on the product (reviews keep them current) so listings can sort by them.
ALTER TABLE products ADD COLUMN rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0);
ALTER TABLE products ADD COLUMN rating_sum integer NOT NULL DEFAULT 0 CHECK (rating_sum >= 0);
ALTER TABLE products ADD COLUMN rating_average numeric(3, 2) GENERATED ALWAYS AS (
  CASE WHEN rating_count = 0 THEN 0 ELSE round(rating_sum::numeric / rating_count, 2) END) STORED;

CREATE INDEX products_public_newest ON products (created_at DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_public_price ON products (price, id) WHERE status = 'active' AND deleted_at IS NULL;
CREATE INDEX products_public_rating ON products (rating_average DESC, rating_count DESC, id DESC)
  WHERE status = 'active' AND deleted_at IS NULL;

-- Every word that has appeared in a product name or description; a query word that is not one of them
-- is also searched as its nearest known word.
CREATE TABLE search_terms (
  term text PRIMARY KEY
);
CREATE INDEX search_terms_trigrams ON search_terms USING gist (term gist_trgm_ops);

CREATE FUNCTION remember_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog.search_terms (term)
  SELECT DISTINCT word FROM regexp_split_to_table(lower(NEW.name || ' ' || NEW.description), '[^[:alnum:]]+') AS word
  WHERE length(word) BETWEEN 3 AND 40
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$;
CREATE TRIGGER products_search_terms AFTER INSERT OR UPDATE OF name, description ON products
  FOR EACH ROW EXECUTE FUNCTION remember_search_terms();

INSERT INTO search_terms (term)
SELECT DISTINCT word FROM products, regexp_split_to_table(lower(name || ' ' || description), '[^[:alnum:]]+') AS word
WHERE length(word) BETWEEN 3 AND 40
ON CONFLICT DO NOTHING;
