package io.emporium.catalog.grpc;

import io.emporium.catalog.store.InventoryStore;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.vertx.core.Future;

/** Inventory of {@code emporium.catalog.v1.Catalog}. */
public final class InventoryRpcs {
  private final InventoryStore inventory;

  public InventoryRpcs(InventoryStore inventory) {
    this.inventory = inventory;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.AdjustInventory, (caller, change) -> {
      if (change.hasAvailable() == change.hasDelta()) {
        return Future.failedFuture(ApiProblem.invalid("available", "give either available (absolute) or delta (relative)"));
      }
      return inventory.adjust(caller, change.getSku(), change.hasAvailable() ? change.getAvailable() : null,
          change.hasDelta() ? change.getDelta() : null);
    });
  }
}
