-- Every product has a slug for its address, unique among products. Every slug a product has had stays in
-- product_slugs with it: after a rename the old one still leads to the product, and no other product can take it.
-- A product's current slug is in both tables, written in one transaction (the product_slugs row may come first, so
-- its reference to the product is checked at commit).
CREATE TABLE product_slugs (
  slug        text COLLATE "C" PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
  product_id  uuid        NOT NULL REFERENCES products (id) DEFERRABLE INITIALLY DEFERRED,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX product_slugs_product ON product_slugs (product_id);

-- The slug a name makes, as the catalog's SlugRules.fromName makes it for the Latin letters listed here: lower case,
-- accents dropped, every run of anything but ASCII letters and digits one hyphen, none at the ends, at most 80
-- characters, "product" when nothing is left.
CREATE FUNCTION product_slug_from_name(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(nullif(trim(BOTH '-' FROM left(trim(BOTH '-' FROM regexp_replace(
           lower(replace(replace(replace(replace(replace(replace(replace(replace(translate(name,
             'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžøØđĐłŁħĦıŧŦ',
             'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzooddllhhitt'),
             'ß', 'ss'), 'ẞ', 'ss'), 'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe'), 'Þ', 'th'), 'þ', 'th')),
           '[^a-z0-9]+', '-', 'g')), 80)), ''), 'product')
$$;

ALTER TABLE products ADD COLUMN slug text COLLATE "C";

-- Existing products: the oldest of a name keeps the plain slug, the next ones a number.
CREATE TEMPORARY TABLE named_products AS
SELECT id, created_at, base, row_number() OVER (PARTITION BY base ORDER BY created_at, id) AS nth
FROM (SELECT id, created_at, product_slug_from_name(name) AS base FROM products) named;

INSERT INTO product_slugs (slug, product_id)
SELECT DISTINCT ON (slug) slug, id
FROM (SELECT id, created_at, nth, CASE WHEN nth = 1 THEN base ELSE base || '-' || nth END AS slug FROM named_products) c
ORDER BY slug, nth, created_at, id;

-- A name that itself ends in "-<n>" can meet another's number; those few take the next free one.
DO $$
DECLARE
  p record;
  n integer;
BEGIN
  FOR p IN SELECT id, base FROM named_products np
           WHERE NOT EXISTS (SELECT 1 FROM product_slugs s WHERE s.product_id = np.id)
           ORDER BY created_at, id LOOP
    n := 2;
    WHILE EXISTS (SELECT 1 FROM product_slugs WHERE slug = p.base || '-' || n) LOOP
      n := n + 1;
    END LOOP;
    INSERT INTO product_slugs (slug, product_id) VALUES (p.base || '-' || n, p.id);
  END LOOP;
END $$;

UPDATE products p SET slug = s.slug FROM product_slugs s WHERE s.product_id = p.id;
DROP TABLE named_products;

ALTER TABLE products ALTER COLUMN slug SET NOT NULL;
ALTER TABLE products ADD CONSTRAINT products_slug UNIQUE (slug);

-- The catalog always gives a new product its slug. A product written by SQL of its own (a bulk load, a test's
-- fixture) gets the first free one its name makes, so every product has one and every slug stays in product_slugs.
CREATE FUNCTION give_product_slug() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  base text := catalog.product_slug_from_name(NEW.name);
  candidate text := base;
  n integer := 1;
BEGIN
  LOOP
    INSERT INTO catalog.product_slugs (slug, product_id) VALUES (candidate, NEW.id) ON CONFLICT DO NOTHING;
    EXIT WHEN FOUND;
    n := n + 1;
    candidate := base || '-' || n;
  END LOOP;
  NEW.slug := candidate;
  RETURN NEW;
END $$;
CREATE TRIGGER products_slug_given BEFORE INSERT ON products
  FOR EACH ROW WHEN (NEW.slug IS NULL) EXECUTE FUNCTION give_product_slug();
