-- The catalog's in-memory search index and its copies of listed products LISTEN on catalog_listings. PostgreSQL
-- delivers a NOTIFY when its transaction commits, and to a listener in commit order, so a search that NOTIFYs a
-- token of its own and waits for it has seen every change committed before it began. Payloads: 'p:<ids>' products
-- (their rows, variants or images changed) to read again ('p:*' every product), 'c' the category tree changed,
-- 't' new search terms (for typo tolerance), 's:<token>' a search's barrier.
CREATE FUNCTION notify_listing_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  ids text;
BEGIN
  IF TG_TABLE_NAME = 'products' THEN
    SELECT count(DISTINCT id) INTO n FROM changed;
    IF n BETWEEN 1 AND 100 THEN
      SELECT string_agg(DISTINCT id::text, ',') INTO ids FROM changed;
    END IF;
  ELSE
    SELECT count(DISTINCT product_id) INTO n FROM changed;
    IF n BETWEEN 1 AND 100 THEN
      SELECT string_agg(DISTINCT product_id::text, ',') INTO ids FROM changed;
    END IF;
  END IF;
  IF n > 0 THEN
    PERFORM pg_notify('catalog_listings', 'p:' || coalesce(ids, '*'));
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION notify_listing_reload() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catalog_listings', TG_ARGV[0]);
  RETURN NULL;
END $$;

CREATE FUNCTION notify_new_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    PERFORM pg_notify('catalog_listings', 't');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER products_listing_inserted AFTER INSERT ON products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER products_listing_updated AFTER UPDATE ON products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER products_listing_deleted AFTER DELETE ON products
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER products_listing_truncated AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_reload('p:*');

CREATE TRIGGER variants_listing_inserted AFTER INSERT ON variants
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER variants_listing_updated AFTER UPDATE ON variants
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER variants_listing_deleted AFTER DELETE ON variants
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER variants_listing_truncated AFTER TRUNCATE ON variants
  FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_reload('p:*');

CREATE TRIGGER product_images_listing_inserted AFTER INSERT ON product_images
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER product_images_listing_updated AFTER UPDATE ON product_images
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();
CREATE TRIGGER product_images_listing_deleted AFTER DELETE ON product_images
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_change();

CREATE TRIGGER categories_listing_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
  FOR EACH STATEMENT EXECUTE FUNCTION notify_listing_reload('c');

CREATE TRIGGER search_terms_added AFTER INSERT ON search_terms
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_new_search_terms();
