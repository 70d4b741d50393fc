package io.emporium.deploy;

import io.emporium.common.config.EmporiumConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large generated catalog for benchmarks ({@code --synthetic-products=N}): products from a small
 * vocabulary, two variants each, spread over a category tree, with ratings and sales. Written
 * straight into the catalog schema in one transaction, by the launcher thread (JDBC, never an event
 * loop).
 */
final class SyntheticCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(SyntheticCatalog.class);
  static final String[] ADJECTIVES = {
    "classic",
    "rustic",
    "modern",
    "vintage",
    "handmade",
    "organic",
    "compact",
    "deluxe",
    "everyday",
    "travel",
    "heritage",
    "nordic",
    "urban",
    "coastal",
    "alpine",
    "minimal",
    "bold",
    "soft",
    "sturdy",
    "bright"
  };
  static final String[] MATERIALS = {
    "oak",
    "linen",
    "wool",
    "copper",
    "ceramic",
    "leather",
    "cotton",
    "bamboo",
    "steel",
    "walnut",
    "glass",
    "canvas",
    "cashmere",
    "marble",
    "silk",
    "brass",
    "porcelain",
    "hemp",
    "cork",
    "slate"
  };
  static final String[] NOUNS = {
    "mug",
    "shirt",
    "lamp",
    "chair",
    "kettle",
    "notebook",
    "apron",
    "bowl",
    "scarf",
    "candle",
    "backpack",
    "jacket",
    "teapot",
    "vase",
    "blanket",
    "pillow",
    "skillet",
    "wallet",
    "sweater",
    "planter",
    "clock",
    "basket",
    "towel",
    "tray",
    "jug"
  };
  private static final String[] DEPARTMENTS = {"Home", "Kitchen", "Apparel", "Outdoors", "Studio"};
  private static final String[] SHELVES = {"Essentials", "Gifts", "New season", "Classics"};

  private static final String CATEGORY =
      """
      INSERT INTO catalog.categories (id, name, slug, parent_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (slug) DO NOTHING""";
  private static final String PRODUCTS =
      """
      WITH words AS (SELECT ?::text[] AS adj, ?::text[] AS mat, ?::text[] AS noun),
           shelves AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog.categories WHERE slug LIKE 'synthetic-%' AND parent_id IS NOT NULL),
           picks AS (
             SELECT g, 1 + floor(random() * 20)::int AS a, 1 + floor(random() * 20)::int AS m, 1 + floor(random() * 25)::int AS n,
                    1 + floor(random() * 20)::int AS a2, floor(random() * 40)::int AS rated
             FROM generate_series(1, ?) g)
      INSERT INTO catalog.products (id, seller_id, name, description, category_id, price, currency, status, created_at,
                                    rating_count, rating_sum, units_sold)
      SELECT gen_random_uuid(), ?, initcap(adj[a] || ' ' || mat[m] || ' ' || noun[n]),
             'A ' || adj[a2] || ' ' || noun[n] || ' in ' || mat[m] || ', ' || adj[a] || ' and made to last.',
             ids[1 + g % array_length(ids, 1)], 500 + floor(random() * 49500)::bigint, 'usd', 'active',
             now() - make_interval(secs => g), rated, rated + floor(random() * 4 * rated)::int, floor(random() * 1000)::bigint
      FROM picks, words, shelves""";
  private static final String VARIANTS =
      """
      INSERT INTO catalog.variants (sku, product_id, attributes, price, stock, position)
      SELECT 'SYN-' || replace(p.id::text, '-', '') || '-' || v.size, p.id, jsonb_build_object('size', v.size),
             CASE WHEN v.size = 'L' THEN p.price + 500 END, floor(random() * 40)::int, v.position
      FROM catalog.products p CROSS JOIN (VALUES ('M', 0), ('L', 1)) AS v(size, position)
      WHERE p.seller_id = ?""";

  private SyntheticCatalog() {}

  static void generate(EmporiumConfig config, int count) {
    long started = System.nanoTime();
    UUID seller = UUID.randomUUID();
    EmporiumConfig.Database db = config.database;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (PreparedStatement categories = c.prepareStatement(CATEGORY)) {
        for (String department : DEPARTMENTS) {
          UUID parent =
              UUID.nameUUIDFromBytes(("synthetic " + department).getBytes(StandardCharsets.UTF_8));
          add(categories, parent, department, null);
          for (String shelf : SHELVES) {
            add(
                categories,
                UUID.nameUUIDFromBytes(
                    ("synthetic " + department + " " + shelf).getBytes(StandardCharsets.UTF_8)),
                department + " " + shelf,
                parent);
          }
        }
        categories.executeBatch();
      }
      try (PreparedStatement products = c.prepareStatement(PRODUCTS)) {
        products.setArray(1, c.createArrayOf("text", ADJECTIVES));
        products.setArray(2, c.createArrayOf("text", MATERIALS));
        products.setArray(3, c.createArrayOf("text", NOUNS));
        products.setInt(4, count);
        products.setObject(5, seller);
        products.executeUpdate();
      }
      try (PreparedStatement variants = c.prepareStatement(VARIANTS)) {
        variants.setObject(1, seller);
        variants.executeUpdate();
      }
      c.commit();
      c.setAutoCommit(true);
      // fresh statistics, or the planner takes 100 000 rows for a handful and picks bad plans until
      // autovacuum comes by
      try (var analyze = c.createStatement()) {
        analyze.execute("ANALYZE catalog.products");
        analyze.execute("ANALYZE catalog.variants");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "generating the synthetic catalog failed: " + e.getMessage(), e);
    }
    LOG.info(
        "generated a synthetic catalog of {} products (seller {}) in {} ms",
        count,
        seller,
        (System.nanoTime() - started) / 1_000_000);
  }

  private static void add(PreparedStatement categories, UUID id, String name, UUID parent)
      throws SQLException {
    categories.setObject(1, id);
    categories.setString(2, name);
    categories.setString(
        3, "synthetic-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
    categories.setObject(4, parent);
    categories.addBatch();
  }
}
