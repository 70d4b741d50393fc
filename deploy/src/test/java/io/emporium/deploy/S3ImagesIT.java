package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Product images in an S3-compatible bucket: a real S3 server (S3Proxy on an in-memory store,
 * checking every request's signature) behind a catalog and an edge launched with {@code S3_*} set,
 * on the shared platform's database, Kafka, Redis and SMTP.
 */
@ExtendWith(TestPlatform.class)
class S3ImagesIT {
  private static final String BUCKET = "emporium-images";
  private static final String ACCESS_KEY = "AKIDEMPORIUMTESTS";
  private static final String SECRET_KEY = "emporium/tests+secret-access-key";

  private static final Gate PUTS = new Gate();
  private static final Gate REMOVALS = new Gate();

  private static BlobStoreContext objects;
  private static S3Proxy s3;
  private static Emporium shop;

  @BeforeAll
  static void startAnS3ServerAndACatalogStoringImagesInIt() throws Exception {
    objects =
        ContextBuilder.newBuilder(new TransientApiMetadata())
            .credentials(ACCESS_KEY, SECRET_KEY)
            .build(BlobStoreContext.class);
    objects.getBlobStore().createContainerInLocation(null, BUCKET);
    s3 =
        S3Proxy.builder()
            .blobStore(new GatedBlobStore(objects.getBlobStore()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    s3.start();

    EmporiumConfig shared = TestPlatform.config();
    Map<String, String> env = TestPlatform.backingServices();
    env.put("APP_PORT", Integer.toString(TestPlatform.freePort()));
    env.put("EDGE_INSTANCES", "1");
    env.put("IMAGE_MAX_BYTES", Integer.toString(shared.imageMaxBytes));
    for (Service s :
        List.of(Service.CATALOG, Service.ORDERING, Service.PAYMENT, Service.REALTIME)) {
      env.put(s.name() + "_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
    }
    env.put("IDENTITY_GRPC_PORT", Integer.toString(TestPlatform.freePort()));
    for (Service s : List.of(Service.ORDERING, Service.PAYMENT, Service.REALTIME)) {
      env.put(
          s.name() + "_GRPC_ADDRESS",
          shared.grpc.get(s).host() + ":" + shared.grpc.get(s).peerPort());
    }
    env.put("S3_BUCKET", BUCKET);
    env.put("S3_ENDPOINT", "http://127.0.0.1:" + s3.getPort());
    env.put("S3_REGION", "eu-west-3");
    env.put("S3_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("S3_SECRET_ACCESS_KEY", SECRET_KEY);
    shop =
        Emporium.launch(
            new LaunchOptions(EnumSet.of(Service.CATALOG, Service.EDGE), true, null), env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (shop != null) {
      shop.close();
    }
    if (s3 != null) {
      s3.stop();
    }
    if (objects != null) {
      objects.close();
    }
  }

  @AfterEach
  void openTheGates() {
    PUTS.open();
    REMOVALS.open();
  }

  /**
   * Holds the S3 server's requests of one kind when closed, as a slow or stuck bucket would, until
   * opened.
   */
  private static final class Gate {
    private volatile CountDownLatch opened = new CountDownLatch(0);
    private volatile CountDownLatch arrived = new CountDownLatch(0);

    void close() {
      arrived = new CountDownLatch(1);
      opened = new CountDownLatch(1);
    }

    void open() {
      opened.countDown();
    }

    void awaitArrival() throws InterruptedException {
      assertThat(arrived.await(20, TimeUnit.SECONDS))
          .as("a request reached the closed gate")
          .isTrue();
    }

    /** Fails the request if the test never opens the gate. */
    void pass() {
      arrived.countDown();
      try {
        if (!opened.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the gate stayed closed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class GatedBlobStore extends ForwardingBlobStore {
    GatedBlobStore(BlobStore store) {
      super(store);
    }

    @Override
    public String putBlob(String container, Blob blob) {
      PUTS.pass();
      return super.putBlob(container, blob);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
      PUTS.pass();
      return super.putBlob(container, blob, options);
    }

    @Override
    public void removeBlob(String container, String name) {
      REMOVALS.pass();
      super.removeBlob(container, name);
    }
  }

  private static String product(Api api, String token) {
    Api.Response created =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Bucket print")
                .put("price", 1500)
                .put("currency", "usd")
                .put("stock", 1));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static Api.Response upload(Api api, String token, String productId, byte[] png) {
    return api.upload(
        "/api/v1/products/" + productId + "/images",
        token,
        "file",
        "front.png",
        "image/png",
        Buffer.buffer(png));
  }

  /**
   * Takes the product's row lock from the test's own connection, failing at once if anyone holds
   * it.
   */
  private static void assertUnlocked(String productId) {
    TestPlatform.db()
        .withTransaction(
            tx ->
                tx.preparedQuery("SELECT id FROM catalog.products WHERE id = $1 FOR UPDATE NOWAIT")
                    .execute(Tuple.of(UUID.fromString(productId))))
        .await();
  }

  private static Blob object(String key) {
    return objects.getBlobStore().getBlob(BUCKET, key);
  }

  private static byte[] bytes(Blob blob) throws IOException {
    try (InputStream in = blob.getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void anUploadIsKeptInTheBucketServedBackWithCachingAndRemovedOnDelete(Api platform)
      throws Exception {
    String token = Accounts.signedIn(platform, "seller").accessToken();
    Api api = Api.connect(shop.config().appPort, "127.0.0.1");
    String productId = product(api, token);
    byte[] png = ImagesIT.picture("png");
    String key = "images/" + ImagesIT.sha256(png) + ".png";

    Api.Response added = upload(api, token, productId, png);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    Blob stored = object(key);
    assertThat(stored).as("object " + key + " in the bucket").isNotNull();
    assertThat(bytes(stored)).isEqualTo(png);
    assertThat(stored.getMetadata().getContentMetadata().getContentType()).isEqualTo("image/png");
    assertThat(
            Files.exists(
                shop.config().dataDir.resolve("images").resolve(ImagesIT.sha256(png) + ".png")))
        .as("nothing under DATA_DIR")
        .isFalse();
    HttpResponse<byte[]> unsigned =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + s3.getPort() + "/" + BUCKET + "/" + key))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(unsigned.statusCode()).as("the bucket serves signed requests only").isEqualTo(403);

    String url = added.json().getString("url");
    Api.Response served = api.get(url);
    assertThat(served.status()).as(served.toString()).isEqualTo(200);
    assertThat(served.header("Content-Type")).isEqualTo("image/png");
    assertThat(served.body().getBytes()).isEqualTo(png);
    assertThat(served.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(served.header("ETag")).isEqualTo("\"" + ImagesIT.sha256(png) + "\"");
    assertThat(
            api.raw(HttpMethod.GET, url, null, null, Map.of("If-None-Match", served.header("ETag")))
                .status())
        .isEqualTo(304);

    Api.Response deleted =
        api.delete(
            "/api/v1/products/" + productId + "/images/" + added.json().getString("id"), token);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
    assertThat(objects.getBlobStore().blobExists(BUCKET, key))
        .as("object removed from the bucket")
        .isFalse();
    assertThat(api.get(url).status()).isEqualTo(404);
  }

  @Test
  void whileTheBucketIsSlowTheProductIsNotLocked(Api platform) throws Exception {
    String token = Accounts.signedIn(platform, "seller").accessToken();
    Api api = Api.connect(shop.config().appPort, "127.0.0.1");
    String productId = product(api, token);
    byte[] png = ImagesIT.picture("png");

    PUTS.close();
    CompletableFuture<Api.Response> adding =
        CompletableFuture.supplyAsync(() -> upload(api, token, productId, png));
    PUTS.awaitArrival();
    assertUnlocked(productId);
    PUTS.open();
    Api.Response added = adding.get(30, TimeUnit.SECONDS);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);

    REMOVALS.close();
    CompletableFuture<Api.Response> deleting =
        CompletableFuture.supplyAsync(
            () ->
                api.delete(
                    "/api/v1/products/" + productId + "/images/" + added.json().getString("id"),
                    token));
    REMOVALS.awaitArrival();
    assertUnlocked(productId);
    REMOVALS.open();
    assertThat(deleting.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
    assertThat(objects.getBlobStore().blobExists(BUCKET, "images/" + ImagesIT.sha256(png) + ".png"))
        .isFalse();
  }

  @Test
  void anUploadOfTheSameImageWhileItsLastUseIsRemovedKeepsItsFile(Api platform) throws Exception {
    String token = Accounts.signedIn(platform, "seller").accessToken();
    Api api = Api.connect(shop.config().appPort, "127.0.0.1");
    String first = product(api, token);
    String second = product(api, token);
    byte[] png = ImagesIT.picture("png");
    String key = "images/" + ImagesIT.sha256(png) + ".png";
    Api.Response old = upload(api, token, first, png);
    assertThat(old.status()).as(old.toString()).isEqualTo(201);

    REMOVALS.close();
    CompletableFuture<Api.Response> deleting =
        CompletableFuture.supplyAsync(
            () ->
                api.delete(
                    "/api/v1/products/" + first + "/images/" + old.json().getString("id"), token));
    REMOVALS.awaitArrival();
    Api.Response again = upload(api, token, second, png);
    assertThat(again.status())
        .as("uploaded while the removal is on its way: " + again)
        .isEqualTo(201);
    REMOVALS.open();
    assertThat(deleting.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);

    Api.Response served = api.get(again.json().getString("url"));
    assertThat(served.status()).as(served.toString()).isEqualTo(200);
    assertThat(served.body().getBytes()).isEqualTo(png);
    assertThat(bytes(object(key))).isEqualTo(png);
    assertThat(api.get(old.json().getString("url")).status()).isEqualTo(404);
  }
}
