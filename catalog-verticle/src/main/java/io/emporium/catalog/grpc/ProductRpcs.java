package io.emporium.catalog.grpc;

import io.emporium.catalog.store.ProductStore;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.Product;
import io.vertx.core.Future;
import java.util.UUID;

/** Products of {@code emporium.catalog.v1.Catalog}. */
public final class ProductRpcs {
  private final ProductStore products;

  public ProductRpcs(ProductStore products) {
    this.products = products;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.GetProduct, this::getProduct);
  }

  Future<Product> getProduct(CallContext caller, GetProductRequest request) {
    UUID id = Ids.parse(request.getProductId());
    if (id == null) {
      return Future.failedFuture(ApiProblem.notFound("No product " + request.getProductId() + "."));
    }
    return products.findPublic(id).map(found -> found.orElseThrow(
        () -> ApiProblem.notFound("No product " + request.getProductId() + ".")));
  }
}
