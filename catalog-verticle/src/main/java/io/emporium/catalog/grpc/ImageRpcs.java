package io.emporium.catalog.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.emporium.catalog.domain.ImageRules;
import io.emporium.catalog.files.ProductImages;
import io.emporium.catalog.store.ImageStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.AddProductImageRequest;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.DeleteProductImageRequest;
import io.emporium.proto.catalog.v1.DeleteProductImageResult;
import io.emporium.proto.catalog.v1.GetImageRequest;
import io.emporium.proto.catalog.v1.Image;
import io.emporium.proto.catalog.v1.ImageContent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Product images of {@code emporium.catalog.v1.Catalog}: the product's seller or an admin adds and
 * removes them; anyone reads uploads.
 */
public final class ImageRpcs {
  private final Vertx vertx;
  private final ProductStore products;
  private final ProductImages images;
  private final int maxBytes;

  public ImageRpcs(Vertx vertx, ProductStore products, ProductImages images, int maxBytes) {
    this.vertx = vertx;
    this.products = products;
    this.images = images;
    this.maxBytes = maxBytes;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.AddProductImage, this::add);
    endpoints.unary(CatalogGrpcService.DeleteProductImage, this::delete);
    endpoints.unary(CatalogGrpcService.GetImage, this::get);
  }

  Future<Image> add(CallContext caller, AddProductImageRequest request) {
    caller.requireRole("seller", "admin");
    return ProductRpcs.owned(products, caller, request.getProductId())
        .compose(
            product -> {
              UUID productId = UUID.fromString(product.getId());
              return switch (request.getSourceCase()) {
                case URL ->
                    ImageRules.urlProblem(request.getUrl())
                        .map(
                            message ->
                                Future.<Image>failedFuture(ApiProblem.invalid("url", message)))
                        .orElseGet(() -> images.addUrl(productId, request.getUrl()));
                case CONTENT ->
                    upload(request.getContent())
                        .compose(upload -> images.addUpload(productId, upload));
                default ->
                    Future.failedFuture(
                        ApiProblem.invalid("source", "send an image file or a url"));
              };
            });
  }

  /**
   * Checks an upload's size and format, and hashes it on a worker thread (megabytes of SHA-256).
   */
  private Future<ImageStore.Upload> upload(ByteString content) {
    if (content.size() > maxBytes) {
      return Future.failedFuture(
          ApiProblem.of(413, "An image may be at most " + maxBytes + " bytes."));
    }
    byte[] head =
        content.substring(0, Math.min(content.size(), ImageRules.SIGNATURE_BYTES)).toByteArray();
    return ImageRules.sniff(head)
        .map(
            format ->
                vertx.executeBlocking(
                    () -> {
                      byte[] bytes = content.toByteArray();
                      String sha256 =
                          HexFormat.of()
                              .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                      return new ImageStore.Upload(format, sha256, Buffer.buffer(bytes));
                    },
                    false))
        .orElseGet(
            () ->
                Future.failedFuture(
                    ApiProblem.of(415, "The file is not a JPEG, PNG or WebP image.")));
  }

  Future<DeleteProductImageResult> delete(CallContext caller, DeleteProductImageRequest request) {
    caller.requireRole("seller", "admin");
    ApiProblem missing =
        ApiProblem.notFound("No image " + request.getImageId() + " on this product.");
    return ProductRpcs.owned(products, caller, request.getProductId())
        .compose(
            product -> {
              UUID imageId = Ids.parse(request.getImageId());
              return imageId == null
                  ? Future.failedFuture(missing)
                  : images.delete(UUID.fromString(product.getId()), imageId);
            })
        .map(
            deleted -> {
              if (!deleted) {
                throw missing;
              }
              return DeleteProductImageResult.getDefaultInstance();
            });
  }

  Future<ImageContent> get(CallContext caller, GetImageRequest request) {
    ApiProblem missing = ApiProblem.notFound("No image " + request.getImageId() + ".");
    UUID id = Ids.parse(request.getImageId());
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return images
        .find(id)
        .compose(
            found -> {
              ImageStore.Stored image = found.orElseThrow(() -> missing);
              ImageContent.Builder reply =
                  ImageContent.newBuilder()
                      .setContentType(image.contentType())
                      .setEtag(image.sha256());
              if (request.getIfNoneMatchList().contains("*")
                  || request.getIfNoneMatchList().contains(image.sha256())) {
                return Future.succeededFuture(reply.setNotModified(true).build());
              }
              return images
                  .read(image)
                  .map(
                      bytes ->
                          reply
                              .setContent(UnsafeByteOperations.unsafeWrap(bytes.getBytes()))
                              .build());
            });
  }
}
