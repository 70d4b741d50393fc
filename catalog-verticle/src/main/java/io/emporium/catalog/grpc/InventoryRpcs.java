package io.emporium.catalog.grpc;

import io.emporium.catalog.store.InventoryStore;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.vertx.core.Future;

/** Inventory of {@code emporium.catalog.v1.Catalog}. */
public final class InventoryRpcs {
  private static final int DEFAULT_LOW_STOCK = 50;
  private final InventoryStore inventory;

  public InventoryRpcs(InventoryStore inventory) {
    this.inventory = inventory;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        CatalogGrpcService.ListLowStock,
        (caller, request) -> {
          caller.requireRole("admin");
          int limit = request.getLimit() == 0 ? DEFAULT_LOW_STOCK : request.getLimit();
          if (limit < 1 || limit > 100) {
            return Future.failedFuture(
                ApiProblem.invalid("limit", "must be an integer from 1 to 100"));
          }
          return inventory.lowStock(limit);
        });
    endpoints.unary(
        CatalogGrpcService.AdjustInventory,
        (caller, change) -> {
          if (change.hasAvailable() == change.hasDelta()) {
            return Future.failedFuture(
                ApiProblem.invalid(
                    "available", "give either available (absolute) or delta (relative)"));
          }
          return inventory.adjust(
              caller,
              change.getSku(),
              change.hasAvailable() ? change.getAvailable() : null,
              change.hasDelta() ? change.getDelta() : null);
        });
  }
}
