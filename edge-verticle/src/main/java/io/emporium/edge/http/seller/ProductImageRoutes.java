package io.emporium.edge.http.seller;

import com.google.protobuf.UnsafeByteOperations;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.ProductJson;
import io.emporium.proto.catalog.v1.AddProductImageRequest;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.DeleteProductImageRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.FileSystem;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A product's images, for its seller or an admin: uploads ({@code multipart/form-data} with one
 * file part named {@code file}) or {@code {url}} bodies go to the catalog, which tells formats by
 * their bytes and keeps them.
 */
public final class ProductImageRoutes {
  public static final String UPLOAD_PATH = "/api/v1/products/:id/images";
  public static final String FILE_PART = "file";

  /** Room for the multipart framing around the file. */
  private static final long FORM_MARGIN = 64 * 1024;

  private final GrpcCalls catalog;
  private final CatalogCache cache;
  private final FileSystem files;
  private final int maxBytes;

  public ProductImageRoutes(GrpcCalls catalog, CatalogCache cache, FileSystem files, int maxBytes) {
    this.cache = cache;
    this.catalog = catalog;
    this.files = files;
    this.maxBytes = maxBytes;
  }

  /**
   * The body handler of uploads, for the router ahead of the general one (which then lets the body
   * be): a larger limit, the file streamed to {@code uploads} and deleted when the response ends.
   */
  public static Handler<RoutingContext> uploadBodies(Path uploads, int maxBytes) {
    BodyHandler bodies =
        BodyHandler.create(uploads.toString())
            .setBodyLimit(maxBytes + FORM_MARGIN)
            .setDeleteUploadedFilesOnEnd(true)
            .setMergeFormAttributes(false);
    return ctx -> {
      if (isMultipart(ctx)) {
        bodies.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  public void mount(Router api) {
    api.post("/products/:id/images").handler(Endpoint.of(this::add));
    api.delete("/products/:id/images/:imageId").handler(Endpoint.of(this::delete));
  }

  Future<Reply> add(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    AddProductImageRequest.Builder request =
        AddProductImageRequest.newBuilder().setProductId(ctx.pathParam("id"));
    if (isMultipart(ctx)) {
      List<FileUpload> uploads = ctx.fileUploads();
      if (uploads.size() != 1 || !uploads.get(0).name().equals(FILE_PART)) {
        throw ApiProblem.invalid(FILE_PART, "send exactly one file part, named " + FILE_PART);
      }
      if (uploads.get(0).size() > maxBytes) {
        throw ApiProblem.of(413, "An image may be at most " + maxBytes + " bytes.");
      }
      return files
          .readFile(uploads.get(0).uploadedFileName())
          .compose(
              bytes ->
                  added(
                      ctx, request.setContent(UnsafeByteOperations.unsafeWrap(bytes.getBytes()))));
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && !JsonBodies.isJson(type)) {
      throw ApiProblem.of(
          415,
          "Send the image as multipart/form-data with a part named "
              + FILE_PART
              + ", or JSON {url}.");
    }
    Fields f = new Fields(JsonBodies.object(ctx));
    String url = f.required("url", 10_000);
    f.throwIfInvalid();
    return added(ctx, request.setUrl(url));
  }

  private Future<Reply> added(RoutingContext ctx, AddProductImageRequest.Builder request) {
    return catalog
        .call(CatalogGrpcClient.AddProductImage, request.build(), Authn.callContext(ctx))
        .compose(
            i ->
                cache
                    .productChanged(request.getProductId())
                    .map(Reply.created(ProductJson.image(i))));
  }

  Future<Reply> delete(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    DeleteProductImageRequest request =
        DeleteProductImageRequest.newBuilder()
            .setProductId(ctx.pathParam("id"))
            .setImageId(ctx.pathParam("imageId"))
            .build();
    return catalog
        .call(CatalogGrpcClient.DeleteProductImage, request, Authn.callContext(ctx))
        .compose(r -> cache.productChanged(request.getProductId()))
        .map(r -> Reply.noContent());
  }

  private static boolean isMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }
}
