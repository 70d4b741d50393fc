package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.ProductJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.RecommendRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code /recommendations}: products for the calling customer, chosen by the catalog. */
public final class RecommendationRoutes {
  private final GrpcCalls catalog;

  public RecommendationRoutes(GrpcCalls catalog) {
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/recommendations").handler(Endpoint.of(this::recommend));
  }

  Future<Reply> recommend(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    MultiMap params = Paging.params(ctx, Set.of("limit"));
    RecommendRequest request = RecommendRequest.newBuilder().setLimit(Paging.limit(params)).build();
    return catalog
        .call(CatalogGrpcClient.Recommend, request, Authn.callContext(ctx))
        .map(
            page -> {
              JsonArray items = new JsonArray();
              page.getProductsList().forEach(p -> items.add(ProductJson.of(p)));
              return Reply.ok(new JsonObject().put("items", items).putNull("nextCursor"));
            });
  }
}
