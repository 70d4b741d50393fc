package io.emporium.catalog.files;

import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Image bytes as objects {@code images/<key>} in an S3-compatible bucket (AWS S3, MinIO,
 * S3Proxy...), through Vert.x's non-blocking HTTP client. Every request is signed with {@link
 * SignatureV4}; an upload signs the SHA-256 of its bytes, so the bucket refuses bytes altered on
 * the way.
 */
public final class BucketImageFiles implements ImageFiles {
  private static final String PREFIX = "images/";
  private static final long CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final long IDLE_TIMEOUT_MILLIS = 30_000;
  private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");

  /**
   * Where a request for an object goes: the server, the {@code Host} it is signed for, and the path
   * before encoding.
   */
  record Target(String host, int port, boolean ssl, String hostHeader, String path) {}

  private final EmporiumConfig.ImageBucket bucket;
  private final SignatureV4 signature;
  private final HttpClient client;

  public BucketImageFiles(Vertx vertx, EmporiumConfig.ImageBucket bucket) {
    this.bucket = bucket;
    this.signature =
        new SignatureV4(bucket.accessKeyId(), bucket.secretAccessKey(), bucket.region(), "s3");
    this.client =
        vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(16));
  }

  /**
   * The bucket is the operator's: it must exist, and a key pair allowed to get, put and delete
   * objects need not list it.
   */
  @Override
  public Future<Void> prepare() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> write(String key, Buffer content, String sha256, String contentType) {
    return send(HttpMethod.PUT, key, content, sha256, Map.of("Content-Type", contentType))
        .compose(response -> answer("PUT", key, response, Set.of(200)))
        .mapEmpty();
  }

  @Override
  public Future<Buffer> read(String key) {
    return send(HttpMethod.GET, key, null, SignatureV4.EMPTY_PAYLOAD, Map.of())
        .compose(response -> answer("GET", key, response, Set.of(200)));
  }

  @Override
  public Future<Void> remove(String key) {
    return send(HttpMethod.DELETE, key, null, SignatureV4.EMPTY_PAYLOAD, Map.of())
        .compose(response -> answer("DELETE", key, response, Set.of(200, 204, 404)))
        .mapEmpty();
  }

  private Future<HttpClientResponse> send(
      HttpMethod method, String key, Buffer body, String payloadSha256, Map<String, String> extra) {
    Target target = target(bucket, PREFIX + key);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", target.hostHeader());
    headers.put("x-amz-date", SignatureV4.amzDate(Instant.now()));
    headers.put("x-amz-content-sha256", payloadSha256);
    headers.putAll(extra);
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(target.host())
            .setPort(target.port())
            .setSsl(target.ssl())
            .setURI(SignatureV4.encodePath(target.path()))
            .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
            .setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    headers.forEach(options::putHeader);
    options.putHeader(
        "Authorization",
        signature.authorization(method.name(), target.path(), headers, payloadSha256));
    return client
        .request(options)
        .compose(request -> body == null ? request.send() : request.send(body));
  }

  /**
   * The response body when the status is one of {@code expected}; otherwise a failure naming S3's
   * error code.
   */
  private Future<Buffer> answer(
      String operation, String key, HttpClientResponse response, Set<Integer> expected) {
    return response
        .body()
        .compose(
            body -> {
              if (expected.contains(response.statusCode())) {
                return Future.succeededFuture(body);
              }
              Matcher code = ERROR_CODE.matcher(body.toString());
              return Future.failedFuture(
                  new IllegalStateException(
                      "S3 "
                          + operation
                          + " "
                          + PREFIX
                          + key
                          + " in bucket "
                          + bucket.bucket()
                          + " answered "
                          + response.statusCode()
                          + (code.find() ? " " + code.group(1) : "")));
            });
  }

  /**
   * Path-style puts the bucket in the path ({@code host/bucket/key}); virtual-hosted style in the
   * host ({@code bucket.host/key}).
   */
  static Target target(EmporiumConfig.ImageBucket bucket, String objectKey) {
    URI endpoint = URI.create(bucket.endpoint());
    boolean ssl = endpoint.getScheme().equalsIgnoreCase("https");
    int port = endpoint.getPort() == -1 ? (ssl ? 443 : 80) : endpoint.getPort();
    String host =
        bucket.pathStyle() ? endpoint.getHost() : bucket.bucket() + "." + endpoint.getHost();
    String path = bucket.pathStyle() ? "/" + bucket.bucket() + "/" + objectKey : "/" + objectKey;
    return new Target(host, port, ssl, endpoint.getPort() == -1 ? host : host + ":" + port, path);
  }
}
