package io.emporium.catalog.grpc;

import io.emporium.catalog.store.SettingsStore;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.vertx.core.Future;

/** Store-wide catalog settings of {@code emporium.catalog.v1.Catalog}, for admins. */
public final class SettingsRpcs {
  private static final int MAX_THRESHOLD = 1_000_000;
  private final SettingsStore settings;

  public SettingsRpcs(SettingsStore settings) {
    this.settings = settings;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        CatalogGrpcService.GetSettings,
        (caller, request) -> {
          caller.requireRole("admin");
          return settings.get();
        });
    endpoints.unary(
        CatalogGrpcService.PutSettings,
        (caller, changed) -> {
          caller.requireRole("admin");
          if (changed.getLowStockThreshold() < 0
              || changed.getLowStockThreshold() > MAX_THRESHOLD) {
            return Future.failedFuture(
                ApiProblem.invalid(
                    "lowStockThreshold", "must be an integer from 0 to " + MAX_THRESHOLD));
          }
          return settings.put(caller, changed);
        });
  }
}
