package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.GetImageRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /images/{id}}: uploaded product images served back, cacheable for good since an id's bytes
 * never change.
 */
public final class ImageRoutes {
  private final GrpcCalls catalog;

  public ImageRoutes(GrpcCalls catalog) {
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/images/:imageId").handler(this::serve);
  }

  /**
   * The bytes with the type the catalog told from them; a strong ETag (their sha256) answers
   * If-None-Match with 304.
   */
  void serve(RoutingContext ctx) {
    GetImageRequest.Builder request =
        GetImageRequest.newBuilder().setImageId(ctx.pathParam("imageId"));
    String held = ctx.request().getHeader("If-None-Match");
    if (held != null) {
      for (String tag : held.split(",")) {
        String t = tag.strip();
        // If-None-Match compares weakly: W/"x" matches "x"
        t = t.startsWith("W/") ? t.substring(2) : t;
        request.addIfNoneMatch(t.equals("*") ? t : t.replace("\"", ""));
      }
    }
    catalog
        .call(CatalogGrpcClient.GetImage, request.build(), Authn.callContext(ctx))
        .onFailure(ctx::fail)
        .onSuccess(
            image -> {
              ctx.response()
                  .putHeader("ETag", "\"" + image.getEtag() + "\"")
                  .putHeader("Cache-Control", "public, max-age=31536000, immutable");
              if (image.getNotModified()) {
                ctx.response().setStatusCode(304).end();
              } else {
                ctx.response()
                    .putHeader("Content-Type", image.getContentType())
                    .end(Buffer.buffer(image.getContent().toByteArray()));
              }
            });
  }
}
