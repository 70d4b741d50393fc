package io.emporium.catalog.store;

import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.proto.catalog.v1.CatalogSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/** The store-wide catalog settings: one row. */
public final class SettingsStore {
  private static final String GET =
      "SELECT product_approval_required, low_stock_threshold FROM catalog.settings";
  private static final String LOCK = GET + " FOR UPDATE";
  private static final String PUT =
      """
      UPDATE catalog.settings SET product_approval_required = $1, low_stock_threshold = $2, updated_at = now()
      RETURNING product_approval_required, low_stock_threshold""";

  private final Pool pool;
  private final AuditTrail audit = new AuditTrail("catalog");

  public SettingsStore(Pool pool) {
    this.pool = pool;
  }

  public Future<CatalogSettings> get() {
    return pool.query(GET).execute().map(SettingsStore::settings);
  }

  /**
   * Replaces the settings; a change is audited with the settings before and after, and no change
   * records nothing.
   */
  public Future<CatalogSettings> put(CallContext caller, CatalogSettings s) {
    return pool.withTransaction(
        tx ->
            tx.query(LOCK)
                .execute()
                .map(SettingsStore::settings)
                .compose(
                    before ->
                        before.equals(s)
                            ? Future.succeededFuture(before)
                            : tx.preparedQuery(PUT)
                                .execute(
                                    Tuple.of(
                                        s.getProductApprovalRequired(), s.getLowStockThreshold()))
                                .map(SettingsStore::settings)
                                .compose(
                                    after ->
                                        audit
                                            .record(
                                                tx,
                                                caller,
                                                "settings.changed",
                                                "settings",
                                                "catalog",
                                                json(before),
                                                json(after))
                                            .map(after))));
  }

  private static JsonObject json(CatalogSettings s) {
    return new JsonObject()
        .put("productApprovalRequired", s.getProductApprovalRequired())
        .put("lowStockThreshold", s.getLowStockThreshold());
  }

  private static CatalogSettings settings(RowSet<Row> rows) {
    Row r = rows.iterator().next();
    return CatalogSettings.newBuilder()
        .setProductApprovalRequired(r.getBoolean("product_approval_required"))
        .setLowStockThreshold(r.getInteger("low_stock_threshold"))
        .build();
  }
}
