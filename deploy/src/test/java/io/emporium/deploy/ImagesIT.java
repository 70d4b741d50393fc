package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPlatform.class)
class ImagesIT {
  /** A 1x1 lossless WebP. */
  private static final byte[] WEBP =
      Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

  /**
   * A small picture in a format ImageIO writes, with random pixels so no two are the same bytes.
   */
  static byte[] picture(String format) {
    BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 4; x++) {
      for (int y = 0; y < 3; y++) {
        image.setRGB(x, y, ThreadLocalRandom.current().nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertThat(ImageIO.write(image, format, out)).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * PNG's signature followed by filler up to {@code size} bytes: what the catalog takes for a PNG.
   */
  private static byte[] pngOfSize(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    System.arraycopy(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, bytes, 0, 8);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String product(Api api, String token, JsonObject extra) {
    JsonObject body =
        new JsonObject()
            .put("name", "Framed print")
            .put("price", 2500)
            .put("currency", "usd")
            .put("stock", 3)
            .mergeIn(extra);
    Api.Response created = api.post("/api/v1/products", token, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static Api.Response upload(
      Api api, String token, String productId, byte[] bytes, String fileName, String claimedType) {
    return api.upload(
        "/api/v1/products/" + productId + "/images",
        token,
        "file",
        fileName,
        claimedType,
        Buffer.buffer(bytes));
  }

  private static Api.Response addUrl(Api api, String token, String productId, String url) {
    return api.post(
        "/api/v1/products/" + productId + "/images", token, new JsonObject().put("url", url));
  }

  private static List<String> imageUrls(Api api, String productId) {
    Api.Response product = api.get("/api/v1/products/" + productId);
    assertThat(product.status()).as(product.toString()).isEqualTo(200);
    return product.json().getJsonArray("images").stream()
        .map(i -> ((JsonObject) i).getString("url"))
        .toList();
  }

  private static List<String> fields(Api.Response r) {
    return r.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field"))
        .toList();
  }

  private static void assertProblem(Api.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getInteger("status")).isEqualTo(status);
  }

  /**
   * Uploads are streamed to temporary files that must be gone once their request has been answered.
   */
  private static void assertNoUploadsLeft() throws InterruptedException {
    Path uploads = TestPlatform.config().dataDir.resolve("uploads");
    for (int i = 0; i < 50 && !leftovers(uploads).isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertThat(leftovers(uploads)).as("temporary upload files").isEmpty();
  }

  private static List<Path> leftovers(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void pngJpegAndWebpUploadsAreServedBackByteForByteWhateverTheyAreCalled(Api api)
      throws InterruptedException {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    record Case(byte[] bytes, String fileName, String claimedType, String type) {}
    List<Case> cases =
        List.of(
            new Case(picture("png"), "front.png", "image/png", "image/png"),
            new Case(picture("jpg"), "side.bin", "application/octet-stream", "image/jpeg"),
            new Case(WEBP, "back.jpg", "image/jpeg", "image/webp"));
    JsonArray expected = new JsonArray();
    for (Case c : cases) {
      Api.Response added =
          upload(api, seller.accessToken(), id, c.bytes(), c.fileName(), c.claimedType());
      assertThat(added.status()).as(added.toString()).isEqualTo(201);
      String imageId = added.json().getString("id");
      assertThat(added.json().getString("url")).isEqualTo("/api/v1/images/" + imageId);
      expected.add(new JsonObject().put("id", imageId).put("url", "/api/v1/images/" + imageId));

      Api.Response served = api.get("/api/v1/images/" + imageId);
      assertThat(served.status()).as(served.toString()).isEqualTo(200);
      assertThat(served.header("Content-Type")).isEqualTo(c.type());
      assertThat(served.body().getBytes()).isEqualTo(c.bytes());
      assertThat(served.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      assertThat(served.header("ETag")).isEqualTo("\"" + sha256(c.bytes()) + "\"");
    }
    Api.Response read = api.get("/api/v1/products/" + id);
    assertThat(read.json().getJsonArray("images")).as("in upload order").isEqualTo(expected);
    Path stored = TestPlatform.config().dataDir.resolve("images").resolve(sha256(WEBP) + ".webp");
    assertThat(stored).as("kept by the catalog under its sha256").exists();
    assertNoUploadsLeft();
  }

  /**
   * A crash between an upload's claim and its image's row leaves the claim and the written copy;
   * once the claim is an hour old, the next upload drops it and removes the copy nothing uses. A
   * recent claim (an upload still running) keeps its copy.
   */
  @Test
  void aCopyLeftByAnUploadThatNeverFinishedIsRemovedByALaterUpload(Api api) throws Exception {
    Path images = TestPlatform.config().dataDir.resolve("images");
    Files.createDirectories(images);
    byte[] abandoned = ("abandoned " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    byte[] running = ("running " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    Path abandonedCopy = images.resolve(sha256(abandoned) + ".png");
    Path runningCopy = images.resolve(sha256(running) + ".png");
    Files.write(abandonedCopy, abandoned);
    Files.write(runningCopy, running);
    claim(sha256(abandoned), "2 hours");
    claim(sha256(running), "1 minute");

    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    Api.Response added =
        upload(api, seller.accessToken(), id, picture("png"), "p.png", "image/png");
    assertThat(added.status()).as(added.toString()).isEqualTo(201);

    assertThat(abandonedCopy).as("the abandoned upload's copy").doesNotExist();
    assertThat(claims(sha256(abandoned))).isZero();
    assertThat(runningCopy).as("a running upload's copy").exists();
    assertThat(claims(sha256(running))).isEqualTo(1);
    TestPlatform.db()
        .preparedQuery("DELETE FROM catalog.image_uploads WHERE sha256 = $1")
        .execute(Tuple.of(sha256(running)))
        .await();
    Files.deleteIfExists(runningCopy);
  }

  /** A claim as an upload makes it, started {@code ago} (a PostgreSQL interval). */
  private static void claim(String sha256, String ago) {
    TestPlatform.db()
        .preparedQuery(
            "INSERT INTO catalog.image_uploads (id, sha256, storage_key, content_type, started_at)"
                + " VALUES ($1, $2, $3, 'image/png', now() - $4::text::interval)")
        .execute(Tuple.of(UUID.randomUUID(), sha256, sha256 + ".png", ago))
        .await();
  }

  private static long claims(String sha256) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM catalog.image_uploads WHERE sha256 = $1")
        .execute(Tuple.of(sha256))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aClientHoldingTheETagGets304(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    byte[] png = picture("png");
    String path =
        upload(api, seller.accessToken(), id, png, "p.png", "image/png").json().getString("url");
    String etag = api.get(path).header("ETag");

    Api.Response same = api.raw(HttpMethod.GET, path, null, null, Map.of("If-None-Match", etag));
    assertThat(same.status()).isEqualTo(304);
    assertThat(same.body() == null || same.body().length() == 0).as("no body on 304").isTrue();
    assertThat(same.header("ETag")).isEqualTo(etag);
    assertThat(same.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(
            api.raw(
                    HttpMethod.GET,
                    path,
                    null,
                    null,
                    Map.of("If-None-Match", "\"other\", W/" + etag))
                .status())
        .as("weak comparison, in a list")
        .isEqualTo(304);
    Api.Response changed =
        api.raw(
            HttpMethod.GET,
            path,
            null,
            null,
            Map.of("If-None-Match", "\"" + sha256(new byte[] {1}) + "\""));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body().getBytes()).isEqualTo(png);
  }

  @Test
  void aTextFileNamedLikeAPictureIs415(Api api) throws InterruptedException {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    byte[] text = "not a picture at all, whatever the name says\n".getBytes();
    assertProblem(upload(api, seller.accessToken(), id, text, "x.png", "image/png"), 415);
    assertProblem(
        upload(
            api,
            seller.accessToken(),
            id,
            new byte[] {(byte) 0xFF, (byte) 0xD8},
            "cut.jpg",
            "image/jpeg"),
        415);
    assertProblem(
        api.raw(
            HttpMethod.POST,
            "/api/v1/products/" + id + "/images",
            seller.accessToken(),
            Buffer.buffer(picture("png")),
            Map.of("Content-Type", "image/png")),
        415);
    assertThat(imageUrls(api, id)).isEmpty();
    assertNoUploadsLeft();
  }

  @Test
  void imagesAboveTheLimitAre413AndOneAtTheLimitIsKept(Api api) throws InterruptedException {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    int limit = TestPlatform.config().imageMaxBytes;

    byte[] largest = pngOfSize(limit);
    Api.Response kept = upload(api, seller.accessToken(), id, largest, "big.png", "image/png");
    assertThat(kept.status()).as(kept.toString()).isEqualTo(201);
    assertThat(api.get(kept.json().getString("url")).body().getBytes()).isEqualTo(largest);

    assertProblem(
        upload(api, seller.accessToken(), id, pngOfSize(limit + 1), "bigger.png", "image/png"),
        413);
    assertProblem(
        upload(api, seller.accessToken(), id, pngOfSize(4 * limit), "huge.png", "image/png"), 413);
    assertThat(imageUrls(api, id)).hasSize(1);
    assertNoUploadsLeft();
  }

  @Test
  void onlyTheProductsSellerOrAnAdminAddsImages(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account other = Accounts.signedIn(api, "seller");
    Accounts.Account customer = Accounts.signedIn(api, null);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    String id = product(api, seller.accessToken(), new JsonObject());
    byte[] png = picture("png");

    assertProblem(upload(api, other.accessToken(), id, png, "p.png", "image/png"), 403);
    assertProblem(addUrl(api, other.accessToken(), id, "https://cdn.example.com/p.png"), 403);
    assertProblem(upload(api, customer.accessToken(), id, png, "p.png", "image/png"), 403);
    assertProblem(upload(api, null, id, png, "p.png", "image/png"), 401);
    assertProblem(
        upload(api, seller.accessToken(), UUID.randomUUID().toString(), png, "p.png", "image/png"),
        404);
    assertThat(imageUrls(api, id)).isEmpty();
    assertThat(upload(api, admin, id, png, "p.png", "image/png").status()).isEqualTo(201);
    assertThat(imageUrls(api, id)).hasSize(1);
  }

  @Test
  void urlImagesFromJsonAndFromTheNewProductShowInTheProduct(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String first = "https://cdn.example.com/prints/1.jpg";
    String second = "http://img.example.org/2.webp?w=800";
    Api.Response created =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            new JsonObject()
                .put("name", "Poster")
                .put("price", 900)
                .put("currency", "usd")
                .put("images", new JsonArray().add(first).add(second)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getJsonArray("images").getJsonObject(0).getString("url"))
        .isEqualTo(first);

    String third = "https://cdn.example.com/prints/3.png";
    Api.Response added = addUrl(api, seller.accessToken(), id, third);
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    assertThat(added.json().getString("url")).isEqualTo(third);
    assertThat(imageUrls(api, id)).containsExactly(first, second, third);
    assertProblem(api.get("/api/v1/images/" + added.json().getString("id")), 404);
  }

  @Test
  void badImageUrlsAre422NamingTheField(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    for (String bad :
        List.of(
            "ftp://example.com/a.png",
            "javascript:alert(1)",
            "/api/v1/images/x",
            "cdn.example.com/a.png",
            "https://example.com/" + "a".repeat(2040))) {
      Api.Response r = addUrl(api, seller.accessToken(), id, bad);
      assertProblem(r, 422);
      assertThat(fields(r)).as(bad).containsExactly("url");
    }
    Api.Response missing =
        api.post("/api/v1/products/" + id + "/images", seller.accessToken(), new JsonObject());
    assertProblem(missing, 422);
    assertThat(fields(missing)).containsExactly("url");

    JsonObject poster =
        new JsonObject().put("name", "Poster").put("price", 900).put("currency", "usd");
    Api.Response badUrl =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            poster
                .copy()
                .put(
                    "images",
                    new JsonArray().add("https://cdn.example.com/ok.png").add("not a url")));
    assertProblem(badUrl, 422);
    assertThat(fields(badUrl)).containsExactly("images[1]");
    Api.Response notString =
        api.post(
            "/api/v1/products",
            seller.accessToken(),
            poster.copy().put("images", new JsonArray().add(7)));
    assertProblem(notString, 422);
    assertThat(fields(notString)).containsExactly("images[0]");
    assertThat(imageUrls(api, id)).isEmpty();
    assertThat(api.get("/api/v1/products/mine", seller.accessToken()).json().getJsonArray("items"))
        .as("nothing saved")
        .hasSize(1);
  }

  @Test
  void aProductHoldsAtMostTwentyImages(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    for (int i = 0; i < 20; i++) {
      assertThat(
              addUrl(api, seller.accessToken(), id, "https://cdn.example.com/" + i + ".png")
                  .status())
          .isEqualTo(201);
    }
    assertProblem(addUrl(api, seller.accessToken(), id, "https://cdn.example.com/20.png"), 409);
    assertProblem(upload(api, seller.accessToken(), id, picture("png"), "p.png", "image/png"), 409);
    assertThat(imageUrls(api, id)).hasSize(20);
  }

  @Test
  void theSellerDeletesAnImageAndItIsGone(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    Accounts.Account other = Accounts.signedIn(api, "seller");
    String id = product(api, seller.accessToken(), new JsonObject());
    byte[] png = picture("png");
    JsonObject image = upload(api, seller.accessToken(), id, png, "p.png", "image/png").json();
    String path = "/api/v1/products/" + id + "/images/" + image.getString("id");
    Path stored = TestPlatform.config().dataDir.resolve("images").resolve(sha256(png) + ".png");
    assertThat(stored).exists();

    assertProblem(api.delete(path, other.accessToken()), 403);
    assertThat(api.get(image.getString("url")).status()).isEqualTo(200);
    assertThat(api.delete(path, seller.accessToken()).status()).isEqualTo(204);
    assertProblem(api.get(image.getString("url")), 404);
    assertThat(imageUrls(api, id)).isEmpty();
    assertThat(stored).as("no image uses the file any more").doesNotExist();
    assertProblem(api.delete(path, seller.accessToken()), 404);
  }
}
