package io.emporium.catalog.store;

import io.emporium.catalog.domain.SlugRules;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.Cursor;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Image;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.ProductPage;
import io.emporium.proto.catalog.v1.Rating;
import io.emporium.proto.catalog.v1.Variant;
import io.emporium.proto.catalog.v1.VariantDraft;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** Products and their variants in the {@code catalog} schema. */
public final class ProductStore {
  /**
   * A product with its live variants and its images, in one round trip: each row carries its
   * children as JSON arrays.
   */
  private static final String PRODUCT_COLUMNS =
      """
      SELECT p.id, p.seller_id, p.slug, p.name, p.description, p.category_id, p.price, p.currency, p.status, p.low_stock_threshold,
             p.review_note, p.rating_average, p.rating_count, p.created_at, p.updated_at,
             (SELECT json_agg(json_build_object('sku', v.sku, 'attributes', v.attributes, 'price', v.price, 'stock', v.stock,
                                                'available', v.stock - v.reserved) ORDER BY v.position, v.sku)
              FROM catalog.variants v WHERE v.product_id = p.id AND v.removed_at IS NULL) AS variants,
             (SELECT json_agg(json_build_object('id', i.id, 'url', i.url, 'contentType', i.content_type, 'size', i.byte_size)
                              ORDER BY i.position)
              FROM catalog.product_images i WHERE i.product_id = p.id) AS images
      FROM catalog.products p""";

  /**
   * One product. Its own statement, not {@link #PRODUCTS} with one id: PostgreSQL plans a statement
   * over an array parameter again on every execution, while this one's plan is kept after a few
   * reads, which halves what a product read costs the database.
   */
  private static final String PRODUCT =
      PRODUCT_COLUMNS + " WHERE p.id = $1 AND p.deleted_at IS NULL";

  private static final String PRODUCTS =
      PRODUCT_COLUMNS + " WHERE p.id = ANY($1) AND p.deleted_at IS NULL";

  private static final String LOCK_VARIANTS =
      """
      SELECT sku, reserved FROM catalog.variants WHERE product_id = $1 AND removed_at IS NULL ORDER BY sku FOR UPDATE""";
  private static final String RESHAPE_VARIANT =
      """
      UPDATE catalog.variants SET attributes = $2, price = $3, position = $4 WHERE sku = $1""";
  private static final String REMOVE_VARIANT =
      "UPDATE catalog.variants SET removed_at = now() WHERE sku = $1";
  private static final String MINE =
      """
      SELECT id, created_at FROM catalog.products
      WHERE seller_id = $1 AND deleted_at IS NULL AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
      ORDER BY created_at DESC, id DESC LIMIT $4""";
  private static final String INSERT_PRODUCT =
      """
      INSERT INTO catalog.products (id, seller_id, name, description, category_id, price, currency, status, low_stock_threshold,
                                    slug)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";
  private static final String INSERT_VARIANT =
      """
      INSERT INTO catalog.variants (sku, product_id, attributes, price, stock, position) VALUES ($1, $2, $3, $4, $5, $6)""";
  private static final String INSERT_URL_IMAGE =
      """
      INSERT INTO catalog.product_images (id, product_id, position, url) VALUES ($1, $2, $3, $4)""";

  private static final String UPDATE =
      """
      UPDATE catalog.products SET name = $2, description = $3, category_id = $4, price = $5, currency = $6,
             low_stock_threshold = $7, status = $8, slug = $10, updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL AND status = $9""";

  /**
   * Gives the slug to the product unless another product has (or had) it; answers a row when the
   * slug is the product's now.
   */
  private static final String CLAIM_SLUG =
      """
      INSERT INTO catalog.product_slugs (slug, product_id) VALUES ($1, $2)
      ON CONFLICT (slug) DO UPDATE SET product_id = excluded.product_id
      WHERE product_slugs.product_id = excluded.product_id
      RETURNING slug""";

  /** Every slug from a base up to its bound: the base itself and its numbered ones. */
  private static final String SLUGS_FROM =
      "SELECT slug FROM catalog.product_slugs WHERE slug >= $1 AND slug < $2";

  private static final String BY_SLUG =
      """
      SELECT p.id, p.slug, p.status, p.seller_id
      FROM catalog.product_slugs s JOIN catalog.products p ON p.id = s.product_id
      WHERE s.slug = $1 AND p.deleted_at IS NULL""";

  /** How often a made slug is tried again when another product took it meanwhile. */
  private static final int SLUG_ATTEMPTS = 5;

  private static final String SLUG_TAKEN = "is taken by another product";

  private static final String LOCK_PRODUCT =
      "SELECT id FROM catalog.products WHERE id = $1 FOR UPDATE";
  private static final String SOFT_DELETE =
      """
      UPDATE catalog.products SET deleted_at = now(), status = 'archived', updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL""";

  private static final String PENDING =
      """
      SELECT id, updated_at FROM catalog.products
      WHERE status = 'pending_review' AND deleted_at IS NULL AND ($1::timestamptz IS NULL OR (updated_at, id) > ($1, $2))
      ORDER BY updated_at, id LIMIT $3""";
  private static final String REVIEW =
      """
      UPDATE catalog.products SET status = $2, review_note = $3, updated_at = now()
      WHERE id = $1 AND status = 'pending_review' AND deleted_at IS NULL""";

  private final Pool pool;
  private final CatalogEvents events;
  private final AuditTrail audit = new AuditTrail("catalog");

  public ProductStore(Pool pool, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
  }

  /** A product that is not deleted, in any status, with its variants. */
  public Future<Optional<Product>> find(UUID id) {
    return load(pool, List.of(id)).map(found -> found.stream().findFirst());
  }

  /** Products that are not deleted, in the order of {@code ids}, with their variants. */
  public Future<List<Product>> findAll(List<UUID> ids) {
    return load(pool, ids);
  }

  /**
   * Saves a new product, its variants (or one default variant) and its image URLs in one
   * transaction, audited.
   */
  public Future<Product> create(CallContext caller, UUID sellerId, String status, ProductDraft d) {
    UUID id = UUID.randomUUID();
    List<VariantDraft> variants =
        d.getVariantsCount() > 0
            ? d.getVariantsList()
            : List.of(
                VariantDraft.newBuilder()
                    .setSku(defaultSku(id))
                    .setStock(d.hasStock() ? d.getStock() : 0)
                    .build());
    return pool.withTransaction(
            tx ->
                (d.getSlug().isEmpty()
                        ? madeSlug(tx, id, SlugRules.fromName(d.getName()), SLUG_ATTEMPTS)
                        : claimSlug(tx, id, d.getSlug()))
                    .compose(
                        slug ->
                            tx.preparedQuery(INSERT_PRODUCT)
                                .execute(
                                    Tuple.of(
                                            id,
                                            sellerId,
                                            d.getName().strip(),
                                            d.getDescription(),
                                            d.getCategoryId().isEmpty()
                                                ? null
                                                : UUID.fromString(d.getCategoryId()),
                                            d.getPrice())
                                        .addValue(d.getCurrency())
                                        .addValue(status)
                                        .addValue(
                                            d.hasLowStockThreshold()
                                                ? d.getLowStockThreshold()
                                                : null)
                                        .addValue(slug)))
                    .compose(
                        inserted -> {
                          List<Tuple> rows = new ArrayList<>();
                          for (int i = 0; i < variants.size(); i++) {
                            VariantDraft v = variants.get(i);
                            rows.add(
                                Tuple.of(
                                    v.getSku(),
                                    id,
                                    new JsonObject(new LinkedHashMap<>(v.getAttributesMap())),
                                    v.hasPrice() ? v.getPrice() : null,
                                    v.getStock(),
                                    i));
                          }
                          return tx.preparedQuery(INSERT_VARIANT).executeBatch(rows);
                        })
                    .compose(
                        inserted -> {
                          List<Tuple> rows = new ArrayList<>();
                          for (int i = 0; i < d.getImageUrlsCount(); i++) {
                            rows.add(Tuple.of(UUID.randomUUID(), id, i, d.getImageUrls(i)));
                          }
                          return rows.isEmpty()
                              ? Future.succeededFuture()
                              : tx.preparedQuery(INSERT_URL_IMAGE).executeBatch(rows);
                        })
                    .compose(inserted -> events.productChanged(tx, id, "created"))
                    .compose(inserted -> load(tx, List.of(id)))
                    .compose(
                        created ->
                            audit
                                .record(
                                    tx,
                                    caller,
                                    "product.created",
                                    "product",
                                    id.toString(),
                                    null,
                                    auditFields(created.get(0), true))
                                .map(created.get(0))))
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * Replaces a product's own fields with those of {@code d}, and its variants too when {@code
   * withVariants}, provided its status is still {@code readStatus}; empty when it is gone, 409 when
   * a review changed it meanwhile.
   */
  public Future<Optional<Product>> update(
      CallContext caller, Product current, String status, ProductDraft d, boolean withVariants) {
    UUID id = UUID.fromString(current.getId());
    String readStatus = current.getStatus();
    Tuple args =
        Tuple.of(
                id,
                d.getName().strip(),
                d.getDescription(),
                d.getCategoryId().isEmpty() ? null : UUID.fromString(d.getCategoryId()),
                d.getPrice(),
                d.getCurrency())
            .addValue(d.hasLowStockThreshold() ? d.getLowStockThreshold() : null)
            .addValue(status)
            .addValue(readStatus)
            .addValue(d.getSlug());
    boolean renamed = !d.getSlug().equals(current.getSlug());
    // an admin making a pending product active approves it, whichever route they took
    String action =
        readStatus.equals("pending_review") && status.equals("active")
            ? "product.approved"
            : "product.updated";
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(LOCK_PRODUCT)
                    .execute(Tuple.of(id))
                    .compose(locked -> load(tx, List.of(id)))
                    .compose(
                        before ->
                            tx.preparedQuery(UPDATE)
                                .execute(args)
                                .compose(
                                    rows ->
                                        rows.rowCount() == 0
                                            ? Future.succeededFuture(rows)
                                            : (renamed
                                                    ? claimSlug(tx, id, d.getSlug())
                                                    : Future.succeededFuture(d.getSlug()))
                                                .compose(
                                                    slug ->
                                                        withVariants
                                                            ? replaceVariants(
                                                                tx, id, d.getVariantsList())
                                                            : Future.<Void>succeededFuture())
                                                .compose(
                                                    v -> events.productChanged(tx, id, "updated"))
                                                .compose(v -> load(tx, List.of(id)))
                                                .compose(
                                                    after ->
                                                        audit.record(
                                                            tx,
                                                            caller,
                                                            action,
                                                            "product",
                                                            id.toString(),
                                                            auditFields(
                                                                before.get(0), withVariants),
                                                            auditFields(
                                                                after.get(0), withVariants)))
                                                .map(rows))))
        .recover(e -> Future.failedFuture(translate(e)))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? find(id)
                    : find(id)
                        .map(
                            now -> {
                              if (now.isPresent()) {
                                throw ApiProblem.conflict(
                                    "The product changed to "
                                        + now.get().getStatus()
                                        + " meanwhile; read it and try again.");
                              }
                              return now;
                            }));
  }

  /**
   * The slug a name makes, numbered when other products have (or had) it; made again when another
   * product takes it meanwhile.
   */
  private static Future<String> madeSlug(SqlConnection tx, UUID id, String base, int attempts) {
    return tx.preparedQuery(SLUGS_FROM)
        .execute(Tuple.of(base, SlugRules.upperBound(base)))
        .compose(
            rows -> {
              List<String> taken = new ArrayList<>();
              rows.forEach(r -> taken.add(r.getString("slug")));
              String slug = SlugRules.firstFree(base, taken);
              return tx.preparedQuery(CLAIM_SLUG)
                  .execute(Tuple.of(slug, id))
                  .compose(
                      claimed -> {
                        if (claimed.rowCount() == 1) {
                          return Future.succeededFuture(slug);
                        }
                        return attempts > 1
                            ? madeSlug(tx, id, base, attempts - 1)
                            : Future.failedFuture(
                                ApiProblem.conflict(
                                    "Other products took every slug tried for this name; try again."));
                      });
            });
  }

  /** The slug a seller chose, given to the product; 422 when another product has or had it. */
  private static Future<String> claimSlug(SqlConnection tx, UUID id, String slug) {
    return tx.preparedQuery(CLAIM_SLUG)
        .execute(Tuple.of(slug, id))
        .compose(
            claimed ->
                claimed.rowCount() == 1
                    ? Future.succeededFuture(slug)
                    : Future.failedFuture(ApiProblem.invalid("slug", SLUG_TAKEN)));
  }

  /** Whose slug this is among the products not deleted: its current one, or one it had before. */
  public Future<Optional<SlugOwner>> bySlug(String slug) {
    return pool.preparedQuery(BY_SLUG)
        .execute(Tuple.of(slug))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new SlugOwner(
                      r.getUUID("id"),
                      r.getString("slug"),
                      r.getString("status"),
                      r.getUUID("seller_id")));
            });
  }

  /** The product a slug leads to: its id, current slug, status and seller. */
  public record SlugOwner(UUID productId, String slug, String status, UUID sellerId) {}

  /**
   * Makes the product's live variants the given set: keeps and reshapes known skus, adds new ones,
   * removes the rest.
   */
  private static Future<Void> replaceVariants(
      SqlConnection tx, UUID productId, List<VariantDraft> wanted) {
    return tx.preparedQuery(LOCK_VARIANTS)
        .execute(Tuple.of(productId))
        .compose(
            rows -> {
              Map<String, Integer> live = new LinkedHashMap<>();
              rows.forEach(r -> live.put(r.getString("sku"), r.getInteger("reserved")));
              List<ApiProblem.FieldError> errors = new ArrayList<>();
              List<Tuple> reshaped = new ArrayList<>();
              List<Tuple> added = new ArrayList<>();
              for (int i = 0; i < wanted.size(); i++) {
                VariantDraft v = wanted.get(i);
                JsonObject attributes = new JsonObject(new LinkedHashMap<>(v.getAttributesMap()));
                Long price = v.hasPrice() ? v.getPrice() : null;
                if (live.containsKey(v.getSku())) {
                  if (v.hasStock()) {
                    errors.add(
                        new ApiProblem.FieldError(
                            "variants[" + i + "].stock",
                            "of an existing variant changes through PUT /inventory/{sku}"));
                  }
                  reshaped.add(Tuple.of(v.getSku(), attributes, price, i));
                } else if (!v.hasStock()) {
                  errors.add(
                      new ApiProblem.FieldError(
                          "variants[" + i + "].stock", "is required for a new variant"));
                } else {
                  added.add(Tuple.of(v.getSku(), productId, attributes, price, v.getStock(), i));
                }
              }
              if (!errors.isEmpty()) {
                return Future.failedFuture(ApiProblem.invalid(errors));
              }
              Set<String> kept = new HashSet<>();
              wanted.forEach(v -> kept.add(v.getSku()));
              List<Tuple> removed = new ArrayList<>();
              for (Map.Entry<String, Integer> sku : live.entrySet()) {
                if (!kept.contains(sku.getKey())) {
                  if (sku.getValue() > 0) {
                    return Future.failedFuture(
                        ApiProblem.conflict(
                            "Variant "
                                + sku.getKey()
                                + " has "
                                + sku.getValue()
                                + " units held for orders; it cannot be removed until they settle."));
                  }
                  removed.add(Tuple.of(sku.getKey()));
                }
              }
              return batch(tx, REMOVE_VARIANT, removed)
                  .compose(v -> batch(tx, RESHAPE_VARIANT, reshaped))
                  .compose(v -> batch(tx, INSERT_VARIANT, added));
            });
  }

  private static Future<Void> batch(SqlConnection tx, String sql, List<Tuple> rows) {
    return rows.isEmpty()
        ? Future.succeededFuture()
        : tx.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }

  /** The approval queue, oldest request first. */
  public Future<ProductPage> pending(Cursor after, int limit) {
    Tuple args =
        Tuple.of(after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    return pool.preparedQuery(PENDING)
        .execute(args)
        .compose(rows -> page(rows, limit, "updated_at"));
  }

  /**
   * An admin moves a pending product to {@code status} (approved: active, rejected: draft); false
   * when it is not pending (any more).
   */
  public Future<Boolean> review(CallContext caller, UUID id, String status, String note) {
    return changed(
        id,
        "reviewed",
        REVIEW,
        Tuple.of(id, status, note),
        tx ->
            audit.record(
                tx,
                caller,
                status.equals("active") ? "product.approved" : "product.rejected",
                "product",
                id.toString(),
                new JsonObject().put("status", "pending_review"),
                new JsonObject().put("status", status).put("reviewNote", note)));
  }

  /**
   * Soft delete: the product leaves every listing but stays for past orders; false when already
   * gone.
   */
  public Future<Boolean> softDelete(CallContext caller, Product current) {
    UUID id = UUID.fromString(current.getId());
    return changed(
        id,
        "deleted",
        SOFT_DELETE,
        Tuple.of(id),
        tx ->
            audit.record(
                tx,
                caller,
                "product.deleted",
                "product",
                id.toString(),
                new JsonObject().put("status", current.getStatus()),
                new JsonObject().put("status", "archived")));
  }

  /**
   * Runs a one-row change of a product, announces and audits it in the same transaction; false when
   * no row changed.
   */
  private Future<Boolean> changed(
      UUID id,
      String reason,
      String sql,
      Tuple args,
      Function<SqlConnection, Future<Void>> audited) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(sql)
                .execute(args)
                .compose(
                    rows ->
                        rows.rowCount() == 1
                            ? events
                                .productChanged(tx, id, reason)
                                .compose(v -> audited.apply(tx))
                                .map(true)
                            : Future.succeededFuture(false)));
  }

  /**
   * What the audit log keeps of a product: the fields that steer money, and the variants when asked
   * (stock is audited by inventory).
   */
  private static JsonObject auditFields(Product p, boolean withVariants) {
    JsonObject fields =
        new JsonObject()
            .put("name", p.getName())
            .put("slug", p.getSlug())
            .put("price", p.getPrice())
            .put("currency", p.getCurrency())
            .put("status", p.getStatus())
            .put("categoryId", p.getCategoryId().isEmpty() ? null : p.getCategoryId())
            .put("lowStockThreshold", p.hasLowStockThreshold() ? p.getLowStockThreshold() : null);
    if (withVariants) {
      JsonArray variants = new JsonArray();
      p.getVariantsList()
          .forEach(
              v ->
                  variants.add(new JsonObject().put("sku", v.getSku()).put("price", v.getPrice())));
      fields.put("variants", variants);
    }
    return fields;
  }

  /** The seller's products, newest first, a keyset page at a time. */
  public Future<ProductPage> mine(UUID sellerId, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            sellerId,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return pool.preparedQuery(MINE).execute(args).compose(rows -> page(rows, limit, "created_at"));
  }

  /**
   * A page of full products from rows of (id, time), with the cursor after the last when there are
   * more.
   */
  private Future<ProductPage> page(RowSet<Row> rows, int limit, String timeColumn) {
    List<UUID> ids = new ArrayList<>();
    List<OffsetDateTime> times = new ArrayList<>();
    rows.forEach(
        r -> {
          ids.add(r.getUUID("id"));
          times.add(r.getOffsetDateTime(timeColumn));
        });
    boolean more = ids.size() > limit;
    List<UUID> page = more ? ids.subList(0, limit) : ids;
    return load(pool, page)
        .map(
            products -> {
              ProductPage.Builder out = ProductPage.newBuilder().addAllProducts(products);
              if (more) {
                out.setNextCursor(new Cursor(times.get(limit - 1), ids.get(limit - 1)).encode());
              }
              return out.build();
            });
  }

  /**
   * Products with their variants and images, in the order of {@code ids}; deleted ones are left
   * out. One query.
   */
  private static Future<List<Product>> load(SqlClient client, List<UUID> ids) {
    return (ids.size() == 1
            ? client.preparedQuery(PRODUCT).execute(Tuple.of(ids.get(0)))
            : client.preparedQuery(PRODUCTS).execute(Tuple.of(ids.toArray(UUID[]::new))))
        .map(
            rows -> {
              Map<UUID, Product> byId = new HashMap<>();
              for (Row row : rows) {
                Product.Builder p = product(row);
                if (row.getValue("variants") instanceof JsonArray variants) {
                  variants.forEach(v -> p.addVariants(variant((JsonObject) v, p.getPrice())));
                }
                if (row.getValue("images") instanceof JsonArray images) {
                  images.forEach(i -> p.addImages(image((JsonObject) i)));
                }
                byId.put(row.getUUID("id"), p.build());
              }
              List<Product> ordered = new ArrayList<>();
              ids.forEach(
                  id -> {
                    if (byId.containsKey(id)) {
                      ordered.add(byId.get(id));
                    }
                  });
              return ordered;
            });
  }

  private static Product.Builder product(Row row) {
    Product.Builder p =
        Product.newBuilder()
            .setId(row.getUUID("id").toString())
            .setSellerId(row.getUUID("seller_id").toString())
            .setSlug(row.getString("slug"))
            .setName(row.getString("name"))
            .setDescription(row.getString("description"))
            .setCategoryId(
                row.getUUID("category_id") == null ? "" : row.getUUID("category_id").toString())
            .setPrice(row.getLong("price"))
            .setCurrency(row.getString("currency"))
            .setStatus(row.getString("status"))
            .setRating(
                Rating.newBuilder()
                    .setAverage(row.getBigDecimal("rating_average").doubleValue())
                    .setCount(row.getInteger("rating_count")))
            .setCreatedAt(rfc3339(row.getOffsetDateTime("created_at")))
            .setUpdatedAt(rfc3339(row.getOffsetDateTime("updated_at")));
    if (row.getString("review_note") != null) {
      p.setReviewNote(row.getString("review_note"));
    }
    if (row.getInteger("low_stock_threshold") != null) {
      p.setLowStockThreshold(row.getInteger("low_stock_threshold"));
    }
    return p;
  }

  private static Variant variant(JsonObject row, long productPrice) {
    Variant.Builder v =
        Variant.newBuilder()
            .setSku(row.getString("sku"))
            .setPrice(row.getLong("price") == null ? productPrice : row.getLong("price"))
            .setStock(row.getInteger("stock"))
            .setAvailable(row.getInteger("available"));
    row.getJsonObject("attributes")
        .forEach(e -> v.putAttributes(e.getKey(), String.valueOf(e.getValue())));
    return v.build();
  }

  /** An image as the one-query read aggregates it; {@code url} is null for an upload. */
  private static Image image(JsonObject json) {
    Image.Builder i = Image.newBuilder().setId(json.getString("id"));
    if (json.getString("url") != null) {
      i.setUrl(json.getString("url"));
    } else {
      i.setContentType(json.getString("contentType")).setSize(json.getLong("size"));
    }
    return i.build();
  }

  /** An image row as the contract shows it; {@code url} is null for an upload. */
  static Image image(Row row) {
    Image.Builder i = Image.newBuilder().setId(row.getUUID("id").toString());
    if (row.getString("url") != null) {
      i.setUrl(row.getString("url"));
    } else {
      i.setContentType(row.getString("content_type")).setSize(row.getLong("byte_size"));
    }
    return i.build();
  }

  static String defaultSku(UUID productId) {
    return "P-" + productId.toString().replace("-", "").substring(0, 12).toUpperCase(Locale.ROOT);
  }

  private static Throwable translate(Throwable e) {
    if (e instanceof PgException pg) {
      if ("23505".equals(pg.getSqlState()) && "products_slug".equals(pg.getConstraint())) {
        // the slug a change asks for is another product's current one
        return ApiProblem.invalid("slug", SLUG_TAKEN);
      }
      if ("23505".equals(pg.getSqlState())) {
        return ApiProblem.conflict(
            "A variant sku is already used by another product: " + pg.getDetail());
      }
      if ("23503".equals(pg.getSqlState())) {
        return ApiProblem.invalid("categoryId", "is not a category");
      }
    }
    return e;
  }

  private static String rfc3339(OffsetDateTime t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
