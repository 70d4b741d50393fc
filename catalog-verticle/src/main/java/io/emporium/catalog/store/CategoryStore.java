package io.emporium.catalog.store;

import io.emporium.catalog.domain.CategoryRules;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Category;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The category tree in the {@code catalog} schema; every change holds one lock so no two moves make
 * a cycle.
 */
public final class CategoryStore {
  private static final String ALL =
      "SELECT id, name, slug, parent_id FROM catalog.categories ORDER BY name, id";
  private static final String ONE =
      "SELECT id, name, slug, parent_id FROM catalog.categories WHERE id = $1";
  private static final String BY_SLUG =
      "SELECT id, name, slug, parent_id FROM catalog.categories WHERE slug = $1";
  private static final String LOCK_TREE =
      "SELECT pg_advisory_xact_lock(hashtext('catalog.categories'))";
  private static final String PARENTS = "SELECT id, parent_id FROM catalog.categories";
  private static final String INSERT =
      """
      INSERT INTO catalog.categories (id, name, slug, parent_id) VALUES ($1, $2, $3, $4)
      RETURNING id, name, slug, parent_id""";
  private static final String UPDATE =
      """
      UPDATE catalog.categories SET name = $2, slug = $3, parent_id = $4 WHERE id = $1
      RETURNING id, name, slug, parent_id""";
  private static final String USAGE =
      """
      SELECT (SELECT count(*) FROM catalog.categories WHERE parent_id = $1) AS children,
             (SELECT count(*) FROM catalog.products WHERE category_id = $1 AND deleted_at IS NULL) AS products""";
  private static final String FORGET_DELETED_PRODUCTS =
      """
      UPDATE catalog.products SET category_id = NULL WHERE category_id = $1 AND deleted_at IS NOT NULL""";
  private static final String DELETE = "DELETE FROM catalog.categories WHERE id = $1";

  private final Pool pool;

  private final CatalogEvents events;
  private final AuditTrail audit = new AuditTrail("catalog");

  public CategoryStore(Pool pool, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
  }

  public Future<List<Category>> all() {
    return pool.query(ALL)
        .execute()
        .map(
            rows -> {
              List<Category> out = new ArrayList<>();
              rows.forEach(r -> out.add(toCategory(r)));
              return out;
            });
  }

  public Future<Optional<Category>> find(UUID id) {
    return pool.preparedQuery(ONE)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(toCategory(rows.iterator().next())));
  }

  public Future<Optional<Category>> findBySlug(String slug) {
    return pool.preparedQuery(BY_SLUG)
        .execute(Tuple.of(slug))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(toCategory(rows.iterator().next())));
  }

  /**
   * Creates ({@code id} null) or replaces a category, refusing unknown parents and cycles; audited.
   */
  public Future<Category> save(
      CallContext caller, UUID id, String name, String slug, UUID parentId) {
    return pool.withTransaction(
            tx ->
                tx.query(LOCK_TREE)
                    .execute()
                    .compose(
                        locked ->
                            id == null
                                ? Future.succeededFuture(Optional.<Category>empty())
                                : tx.preparedQuery(ONE)
                                    .execute(Tuple.of(id))
                                    .map(
                                        rows ->
                                            rows.size() == 0
                                                ? Optional.<Category>empty()
                                                : Optional.of(toCategory(rows.iterator().next()))))
                    .compose(
                        before ->
                            parents(tx)
                                .compose(
                                    parentOf -> {
                                      if (id != null && !parentOf.containsKey(id)) {
                                        return Future.failedFuture(
                                            ApiProblem.notFound("No category " + id + "."));
                                      }
                                      if (parentId != null && !parentOf.containsKey(parentId)) {
                                        return Future.failedFuture(
                                            ApiProblem.invalid("parentId", "is not a category"));
                                      }
                                      UUID categoryId = id == null ? UUID.randomUUID() : id;
                                      Optional<String> cycle =
                                          CategoryRules.checkParent(categoryId, parentId, parentOf);
                                      if (cycle.isPresent()) {
                                        return Future.failedFuture(
                                            ApiProblem.invalid("parentId", cycle.get()));
                                      }
                                      Tuple args = Tuple.of(categoryId, name, slug, parentId);
                                      return tx.preparedQuery(id == null ? INSERT : UPDATE)
                                          .execute(args)
                                          .map(rows -> toCategory(rows.iterator().next()))
                                          .compose(
                                              saved ->
                                                  events
                                                      .categoryChanged(tx, categoryId)
                                                      .compose(
                                                          v ->
                                                              audit.record(
                                                                  tx,
                                                                  caller,
                                                                  id == null
                                                                      ? "category.created"
                                                                      : "category.updated",
                                                                  "category",
                                                                  categoryId.toString(),
                                                                  before
                                                                      .map(
                                                                          CategoryStore
                                                                              ::auditFields)
                                                                      .orElse(null),
                                                                  auditFields(saved)))
                                                      .map(saved));
                                    })))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? ApiProblem.conflict(
                            "Another category already has the slug '" + slug + "'.")
                        : e));
  }

  /** Deletes an empty category, audited; 409 while it has subcategories or products. */
  public Future<Void> delete(CallContext caller, UUID id) {
    Future<Void> deleted =
        pool.withTransaction(
            tx ->
                tx.query(LOCK_TREE)
                    .execute()
                    .compose(locked -> tx.preparedQuery(ONE).execute(Tuple.of(id)))
                    .compose(
                        found -> {
                          if (found.size() == 0) {
                            return Future.failedFuture(
                                ApiProblem.notFound("No category " + id + "."));
                          }
                          Category before = toCategory(found.iterator().next());
                          return tx.preparedQuery(USAGE)
                              .execute(Tuple.of(id))
                              .compose(
                                  usage -> {
                                    Row u = usage.iterator().next();
                                    if (u.getLong("children") > 0 || u.getLong("products") > 0) {
                                      return Future.failedFuture(
                                          ApiProblem.conflict(
                                              "The category still has "
                                                  + u.getLong("children")
                                                  + " subcategories and "
                                                  + u.getLong("products")
                                                  + " products; move or delete them first."));
                                    }
                                    return tx.preparedQuery(FORGET_DELETED_PRODUCTS)
                                        .execute(Tuple.of(id))
                                        .compose(
                                            v -> tx.preparedQuery(DELETE).execute(Tuple.of(id)))
                                        .compose(v -> events.categoryChanged(tx, id))
                                        .compose(
                                            v ->
                                                audit.record(
                                                    tx,
                                                    caller,
                                                    "category.deleted",
                                                    "category",
                                                    id.toString(),
                                                    auditFields(before),
                                                    null));
                                  });
                        }));
    // a product may take the category between the count and the delete
    return deleted.recover(
        e ->
            Future.failedFuture(
                e instanceof PgException pg && "23503".equals(pg.getSqlState())
                    ? ApiProblem.conflict(
                        "The category gained a product or subcategory meanwhile; it is not empty.")
                    : e));
  }

  private static Future<Map<UUID, UUID>> parents(SqlConnection tx) {
    return tx.query(PARENTS)
        .execute()
        .map(
            rows -> {
              Map<UUID, UUID> parentOf = new HashMap<>();
              rows.forEach(r -> parentOf.put(r.getUUID("id"), r.getUUID("parent_id")));
              return parentOf;
            });
  }

  private static JsonObject auditFields(Category c) {
    return new JsonObject()
        .put("name", c.getName())
        .put("slug", c.getSlug())
        .put("parentId", c.getParentId().isEmpty() ? null : c.getParentId());
  }

  private static Category toCategory(Row r) {
    return Category.newBuilder()
        .setId(r.getUUID("id").toString())
        .setName(r.getString("name"))
        .setSlug(r.getString("slug"))
        .setParentId(r.getUUID("parent_id") == null ? "" : r.getUUID("parent_id").toString())
        .build();
  }
}
