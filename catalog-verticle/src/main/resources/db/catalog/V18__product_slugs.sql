-- Every product has a slug for its address, unique among products. Every slug a product has had stays in
-- product_slugs with it: after a rename the old one still leads to the product, and no other product can take it.
-- A product's current slug is in both tables; the store writes them in one transaction, the product_slugs row
-- first (so its check of the product waits for the commit).
CREATE TABLE product_slugs (
  slug        text COLLATE "C" PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
  product_id  uuid        NOT NULL REFERENCES products (id) DEFERRABLE INITIALLY DEFERRED,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX product_slugs_product ON product_slugs (product_id);

ALTER TABLE products ADD COLUMN slug text COLLATE "C";

-- Existing products get a slug from their name as the catalog makes them (accents dropped, anything but letters and
-- digits one hyphen, at most 80 characters, "product" when nothing is left), the oldest product keeping the plain one
-- and the next ones a numeric suffix.
CREATE TEMPORARY TABLE named_products ON COMMIT DROP AS
SELECT id, created_at, base, row_number() OVER (PARTITION BY base ORDER BY created_at, id) AS nth
FROM (
  SELECT id, created_at,
         coalesce(nullif(trim(BOTH '-' FROM left(trim(BOTH '-' FROM regexp_replace(
           lower(replace(replace(replace(replace(replace(replace(replace(replace(translate(name,
             'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžøØđĐłŁħĦıŧŦ',
             'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzooddllhhitt'),
             'ß', 'ss'), 'Æ', 'ae'), 'æ', 'ae'), 'Œ', 'oe'), 'œ', 'oe'), 'Þ', 'th'), 'þ', 'th'), 'ẞ', 'ss')),
           '[^a-z0-9]+', '-', 'g')), 80)), ''), 'product') AS base
  FROM products
) named;

INSERT INTO product_slugs (slug, product_id)
SELECT DISTINCT ON (slug) slug, id
FROM (SELECT id, created_at, nth, CASE WHEN nth = 1 THEN base ELSE base || '-' || nth END AS slug FROM named_products) c
ORDER BY slug, nth, created_at, id;

-- A name that itself ends in "-<n>" can meet another's suffix; those few look for the next free number.
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

ALTER TABLE products ALTER COLUMN slug SET NOT NULL;
ALTER TABLE products ADD CONSTRAINT products_slug UNIQUE (slug);
